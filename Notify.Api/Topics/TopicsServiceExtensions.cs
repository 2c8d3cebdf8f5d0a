using Microsoft.Extensions.DependencyInjection.Extensions;
using Notify.Api.Diagnostics;

namespace Notify.Api.Topics;

/// <summary>Registers what the topic endpoints need besides the silo and the subscriptions.</summary>
public static class TopicsServiceExtensions
{
    public static WebApplicationBuilder AddNotifyTopicsApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PublishOptions>().BindConfiguration(PublishOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UnavailableOptions>().BindConfiguration(UnavailableOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<NotifyMetrics>();
        services.AddSingleton<PublishPacing>();
        services.AddSingleton<TopicServices>();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.HttpContext.RequestServices.GetRequiredService<NotifyMetrics>().Rejected(context.HttpContext, context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode));
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, TopicsJsonContext.Default));
        return builder;
    }
}
