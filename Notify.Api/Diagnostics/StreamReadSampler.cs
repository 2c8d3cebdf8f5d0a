using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Notify.Api.Diagnostics;

/// <summary>
/// Drops the traces of stream queue reads. Each queue's reader starts them on a timer every few seconds
/// even when nothing happens, which would bury the traces of publishes and subscriptions. Everything
/// else is sampled like its parent, or always when it is a root.
/// </summary>
internal sealed class StreamReadSampler : Sampler
{
    private static readonly Sampler Default = new ParentBasedSampler(new AlwaysOnSampler());

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext == default
        && (samplingParameters.Name.StartsWith("IQueueDoorbellGrain/WaitAsync", StringComparison.Ordinal)
            || samplingParameters.Name.StartsWith("IMemoryStreamQueueGrain/Dequeue", StringComparison.Ordinal))
            ? new SamplingResult(SamplingDecision.Drop)
            : Default.ShouldSample(samplingParameters);
}
