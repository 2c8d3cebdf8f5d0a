using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Drops the traces of the silos' stream queue reads. Each queue's reader starts them on a timer every few seconds
/// even when nothing happens, which would bury the traces of publishes and subscriptions. Everything else is
/// sampled like its parent, or always when it is a root.
/// </summary>
internal sealed class IdleStreamReadsSampler : Sampler
{
    // The grain calls a queue reader makes: Notify's doorbell wait, and Orleans' memory stream queue read.
    private static readonly string[] IdleReads = ["IQueueDoorbellGrain/WaitAsync", "IMemoryStreamQueueGrain/Dequeue"];
    private static readonly Sampler Default = new ParentBasedSampler(new AlwaysOnSampler());

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.ParentContext == default)
        {
            foreach (var read in IdleReads)
            {
                if (samplingParameters.Name.StartsWith(read, StringComparison.Ordinal))
                {
                    return new SamplingResult(SamplingDecision.Drop);
                }
            }
        }

        return Default.ShouldSample(samplingParameters);
    }
}
