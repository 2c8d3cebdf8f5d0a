using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Traces what a client asked for, and nothing a process does on its own. A trace starts only at an incoming HTTP
/// request or at one of Notify's own spans (a fan-out's repair); everything else follows its parent. Background
/// work (the queue readers' waits, head checks, membership, the load balancer's health probes) makes grain calls and
/// HTTP requests every few seconds on every silo, and would bury the traces of publishes and subscriptions.
/// </summary>
internal sealed class BackgroundWorkSampler : Sampler
{
    // The name ASP.NET Core gives a request's activity when it starts it (the route is set later).
    private const string IncomingRequest = "Microsoft.AspNetCore.Hosting.HttpRequestIn";
    private const string NotifySpanPrefix = "notify.";

    private static readonly SamplingResult Sampled = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Dropped = new(SamplingDecision.Drop);
    private static readonly Sampler FollowParent = new ParentBasedSampler(new AlwaysOnSampler());

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.ParentContext != default)
        {
            return FollowParent.ShouldSample(samplingParameters);
        }

        return samplingParameters.Name == IncomingRequest || samplingParameters.Name.StartsWith(NotifySpanPrefix, StringComparison.Ordinal)
            ? Sampled
            : Dropped;
    }
}
