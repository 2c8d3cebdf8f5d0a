using Microsoft.Extensions.Logging;

namespace Notify.Client;

/// <summary>What the client logs: each reconnect and publish retry, with why, at Debug (they are expected in a failover).</summary>
internal static partial class NotifyLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream of {Topic}: reconnecting in {Seconds:F2} s after {Position} ({Reason})")]
    public static partial void Reconnecting(ILogger logger, string topic, double seconds, string? position, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Publish to {Topic} (Idempotency-Key {Key}): retrying in {Seconds:F2} s ({Reason})")]
    public static partial void RetryingPublish(ILogger logger, string topic, string key, double seconds, string reason);
}
