using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Notify.Api.Limits;

/// <summary>Who a request counts against: its token's subject, else its address (the client's, behind the load balancer).</summary>
internal static class ClientKey
{
    // The user as authentication set it: HttpContext.User would make an empty one for a node without authentication, and
    // a stream's request keeps it for the stream's life.
    public static string Of(HttpContext context) =>
        context.Features.Get<IHttpAuthenticationFeature>()?.User?.FindFirstValue("sub") is { Length: > 0 } subject
            ? "sub:" + subject
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
