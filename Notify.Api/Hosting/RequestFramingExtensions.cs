namespace Notify.Api.Hosting;

/// <summary>
/// Refuses the requests whose length a proxy in front could read differently than Kestrel does (request smuggling,
/// RFC 9112 §11.2). Kestrel reads them by their <c>Transfer-Encoding</c> and closes the connection after answering,
/// as RFC 9112 §6.1 allows; but a request with both <c>Content-Length</c> and <c>Transfer-Encoding</c> "ought to be
/// handled as an error" (§6.3), and an HTTP/1.0 request with <c>Transfer-Encoding</c> must be treated "as if the
/// framing is faulty" (§6.1). Both are answered 400 before anything acts on them, and the connection is closed.
/// </summary>
public static class RequestFramingExtensions
{
    /// <summary>Where Kestrel moves the <c>Content-Length</c> of a request that also has <c>Transfer-Encoding</c>.</summary>
    private const string MovedContentLength = "X-Content-Length";

    public static IApplicationBuilder UseNotifyRequestFraming(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var request = context.Request;
        if (request.Headers.TransferEncoding.Count == 0 || !(request.ContentLength is not null
            || request.Headers.ContainsKey(MovedContentLength) || HttpProtocol.IsHttp10(request.Protocol)))
        {
            return next(context);
        }

        context.Response.Headers.Connection = "close";
        return Results.Problem(
            "A request cannot have both Content-Length and Transfer-Encoding, nor Transfer-Encoding in HTTP/1.0.",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid request").ExecuteAsync(context);
    });
}
