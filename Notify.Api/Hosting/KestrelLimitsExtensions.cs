using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Notify.Api.Hosting;

/// <summary>
/// Kestrel's limits, set for a hub that holds long-lived streams and takes small publishes: requests that trickle in
/// (slow headers, slow bodies) are cut, while a stream that is quiet for hours is not, since it is a response.
/// Each can be changed in the <c>Kestrel:Limits</c> section.
/// </summary>
public static class KestrelLimitsExtensions
{
    public static WebApplicationBuilder AddNotifyKestrelLimits(this WebApplicationBuilder builder)
    {
        var publishLimit = builder.Configuration.GetValue($"{Topics.PublishOptions.SectionName}:MaxBodyBytes", 64 * 1024);
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            var limits = kestrel.Limits;
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10); // slowloris: headers must all arrive in 10 s
            limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);      // an idle connection between requests
            limits.MaxRequestHeadersTotalSize = 16 * 1024;           // room for a cookie and a bearer token
            limits.MaxRequestHeaderCount = 64;
            limits.MaxRequestLineSize = 8 * 1024;
            // Above the publish limit, so a too-large event gets the publish endpoint's own 413 with its limit in it.
            limits.MaxRequestBodySize = Math.Max(1024 * 1024, publishLimit + 1L);
            // A body must keep coming at 240 bytes/s after 5 s (slow-body attacks get 408); kept from Kestrel's defaults.
            limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
        });

        // Then what configuration says, so every limit can be changed without code.
        builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));
        // The sockets transport's own options (IOQueueCount, UnsafePreferInlineScheduling, ...) under Kestrel:Sockets.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(builder.Configuration.GetSection("Kestrel:Sockets"));
        return builder;
    }
}
