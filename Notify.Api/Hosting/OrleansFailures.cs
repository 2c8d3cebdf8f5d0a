using Notify.Grains.Storage;

namespace Notify.Api.Hosting;

/// <summary>Which exceptions from a grain call mean "the cluster or its store cannot serve this now" (503) rather than a bug.</summary>
internal static class OrleansFailures
{
    public static bool IsUnavailable(Exception exception) =>
        exception is OrleansException or TimeoutException or TopicLogUnavailableException
            or OperationCanceledException { InnerException: TimeoutException };
}
