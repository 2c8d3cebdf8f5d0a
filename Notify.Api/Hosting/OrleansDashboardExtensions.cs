using Notify.Api.Security;
using Orleans.Dashboard;

namespace Notify.Api.Hosting;

/// <summary>
/// The Orleans dashboard (silos, grains, calls) at <c>/dashboard/</c>, when <c>Notify:Dashboard:Enabled</c> is true.
/// It lists every topic, so it takes a token that may subscribe to every topic (<c>*</c>). A browser opens it with
/// <c>?access_token=</c> once; the token then moves to a cookie for the dashboard's own requests. The AppHost turns it
/// on for the local cluster and links it, with the development token, from each silo in the Aspire dashboard.
/// </summary>
public static class OrleansDashboardExtensions
{
    public const string Path = "/dashboard";
    private const string EnabledKey = "Notify:Dashboard:Enabled";

    public static WebApplicationBuilder AddNotifyOrleansDashboard(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<bool>(EnabledKey))
        {
            // The live log view is left out: logs carry client-supplied values. Grain calls are profiled only while
            // someone looks (the dashboard's default), so an unwatched dashboard costs the publish path nothing.
            builder.UseOrleans(silo => silo.AddDashboard(dashboard => dashboard.HideTrace = true));
        }

        return builder;
    }

    public static WebApplication MapNotifyOrleansDashboard(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>(EnabledKey))
        {
            app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), dashboard => dashboard.Use(RequireOperatorAsync));
            app.MapOrleansDashboard(Path).WithTags("Silo");
        }

        return app;
    }

    private static async Task RequireOperatorAsync(HttpContext context, RequestDelegate next)
    {
        var access = await context.RequestServices.GetRequiredService<TopicAccess>().CheckOperatorAsync(context);
        if (access.Problem is { } refused)
        {
            await refused.ExecuteAsync(context);
            return;
        }

        if (context.Request.Query.TryGetValue(AccessTokenSources.QueryParameter, out var token) && access.ExpiresAt is { } expiresAt)
        {
            // The dashboard's scripts cannot carry a query token: it moves to a cookie for this path, and out of the URL.
            var cookieName = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.CookieName;
            context.Response.Cookies.Append(cookieName, token.ToString(), new CookieOptions
            {
                Path = Path,
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Expires = expiresAt,
            });
            await TypedResults.Redirect(context.Request.PathBase + context.Request.Path).ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
