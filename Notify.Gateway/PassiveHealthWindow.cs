using Yarp.ReverseProxy.Health;

namespace Notify.Gateway;

/// <summary>
/// The window over which the passive health check (<c>TransportFailureRate</c>) counts a silo's failed forwards.
/// </summary>
/// <remarks>
/// YARP's default window is 60 s, and it keeps a silo out for at least the window, whatever the cluster's
/// <c>ReactivationPeriod</c> says (10 s in appsettings.json). Worse, the failures stay in the window past the
/// reactivation: a silo that crashed and came back was let in after a minute, its first forward counted the crash's
/// failures again, and it was shut out for another minute while its health checks passed. Its topics' publishes went
/// to another silo meanwhile, which made them wait on that silo too (a freeze of that silo stalled them). With a window
/// shorter than the reactivation period, the failures have left the window when the silo is let in again.
/// </remarks>
internal static class PassiveHealthWindow
{
    public const string SectionName = "PassiveHealth";

    /// <summary>Half the reactivation period: a silo back up is routed to within about 10 s of its last failure.</summary>
    public static readonly TimeSpan DefaultDetectionWindow = TimeSpan.FromSeconds(5);

    /// <summary>Binds <c>PassiveHealth:DetectionWindowSize</c> (and the policy's other options) over the default window.</summary>
    public static IServiceCollection AddPassiveHealthWindow(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TransportFailureRateHealthPolicyOptions>()
            .Configure(options => options.DetectionWindowSize = DefaultDetectionWindow)
            .Bind(configuration.GetSection(SectionName));
        return services;
    }
}
