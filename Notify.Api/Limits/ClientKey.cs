using System.Security.Claims;

namespace Notify.Api.Limits;

/// <summary>Who a request counts against: its token's subject, else its address (the client's, behind the load balancer).</summary>
internal static class ClientKey
{
    public static string Of(HttpContext context) =>
        context.User.FindFirstValue("sub") is { Length: > 0 } subject
            ? "sub:" + subject
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
