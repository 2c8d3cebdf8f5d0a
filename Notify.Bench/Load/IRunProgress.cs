namespace Notify.Bench.Load;

/// <summary>Where a run tells what it is doing.</summary>
internal interface IRunProgress
{
    void Report(string status);
}
