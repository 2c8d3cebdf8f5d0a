using Orleans.Dashboard;

namespace Notify.Api.Hosting;

/// <summary>
/// The Orleans dashboard (silos, grains, calls) at <c>/dashboard/</c>, when <c>Notify:Dashboard:Enabled</c> is true.
/// Off by default: it shows every grain (topic ids included) to whoever reaches the silo, and Notify has no
/// authentication yet. The AppHost turns it on for the local cluster and links it from each silo in the Aspire dashboard.
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
            app.MapOrleansDashboard(Path).WithTags("Silo");
        }

        return app;
    }
}
