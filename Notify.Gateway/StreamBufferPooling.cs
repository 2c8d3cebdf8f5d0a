namespace Notify.Gateway;

/// <summary>
/// Lets the shared array pool keep enough 16 KB blocks for the HTTP/2 client's per-stream receive buffers. Each stream
/// from a silo rents a block for a DATA frame that finds its buffer empty and returns it once YARP has copied the frame
/// to the subscriber, so one event to many subscribers rents a block per subscriber in one burst. The pool keeps 32
/// arrays of a size per core by default: the rest of each burst was allocated and dropped, and with 1,000 subscribers
/// at 200 events/s the gateway spent a third of its CPU allocating, zeroing and collecting 16 KB arrays
/// (docs/performance.md, "The load balancer").
/// </summary>
public static class StreamBufferPooling
{
    /// <summary>The runtime's setting: how many arrays of one size the shared pool keeps per core.</summary>
    public const string Variable = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    /// <summary>
    /// At most 4 MiB of 16 KB blocks per core. The pool drops the blocks it has not handed out for about a minute at
    /// each full collection, and all of them under high memory pressure.
    /// </summary>
    public const int ArraysPerSizePerCore = 256;

    /// <summary>
    /// Sets the pool's limit unless the environment already chose one. The pool reads it once, when it is first used,
    /// so this runs first thing in the process.
    /// </summary>
    public static void Configure()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, ArraysPerSizePerCore.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
