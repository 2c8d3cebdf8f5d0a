using Microsoft.AspNetCore.Diagnostics;

namespace Notify.Api.Hosting;

/// <summary>Every error answer is RFC 9457 problem details, with the status the error deserves.</summary>
public static class ProblemDetailsExtensions
{
    public static WebApplication UseNotifyProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Kestrel reports a malformed or too slow request body by throwing; that is the client's fault (4xx), not ours.
            StatusCodeSelector = exception => exception is BadHttpRequestException badRequest
                ? badRequest.StatusCode
                : StatusCodes.Status500InternalServerError,
            // ...so it is not logged as our error either (Kestrel logs it at Debug).
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        return app;
    }
}
