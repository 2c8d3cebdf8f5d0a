using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Notify.Client;

/// <summary>
/// One publish, tried until the server confirms the event stored: every try carries the same <c>Idempotency-Key</c>,
/// so a try whose answer was lost (a <c>503</c>, a dead node, a broken connection) and the retry store it once.
/// </summary>
internal sealed class Publication(NotifyHttp http, ReconnectPolicy policy, NotifyClientOptions options, ILogger logger)
{
    public async Task<NotifyPublished> PublishAsync(string topic, string data, string? type, string key, CancellationToken cancellationToken)
    {
        var uri = http.TopicUri(topic, type is null ? null : "?type=" + Uri.EscapeDataString(type));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.PublishTimeout);
        for (var failures = 1; ; failures++)
        {
            TimeSpan? retryAfter = null;
            string failure;
            try
            {
                using var response = await http.SendAsync(() => Request(uri, data, key), HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
                switch (NotifyHttp.Judge(response))
                {
                    case NotifyHttp.Verdict.Success:
                        return await AcknowledgedAsync(response, deadline.Token).ConfigureAwait(false);
                    case NotifyHttp.Verdict.Fail:
                        throw await NotifyHttp.RefusedAsync(response, $"the publish to {topic}", deadline.Token).ConfigureAwait(false);
                }

                retryAfter = NotifyHttp.RetryAfter(response);
                failure = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (Exception exception) when (!deadline.IsCancellationRequested && IsTransient(exception))
            {
                failure = exception.Message;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw GaveUp(topic, key, "no answer");
            }

            var wait = policy.DelayAfter(failures, ReconnectPolicy.DefaultPublishInterval, retryAfter);
            NotifyLog.RetryingPublish(logger, topic, key, wait.TotalSeconds, failure);
            try
            {
                await Task.Delay(wait, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw GaveUp(topic, key, failure);
            }
        }
    }

    private static HttpRequestMessage Request(Uri uri, string data, string key)
    {
        // text/plain; charset=utf-8: the body is the event's data, stored byte for byte.
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(data, Encoding.UTF8, "text/plain") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }

    private static async Task<NotifyPublished> AcknowledgedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var answer = await response.Content.ReadFromJsonAsync(NotifyJson.Default.PublishAnswer, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException("The publish answer was null.");
        var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values)
            && values.Contains("true", StringComparer.OrdinalIgnoreCase);
        return new NotifyPublished(answer.Topic, answer.Id, replayed);
    }

    private TimeoutException GaveUp(string topic, string key, string failure) => new(
        $"The publish to {topic} was not confirmed within {options.PublishTimeout} (last: {failure}). The event may or may not be " +
        $"stored: publish it again with Idempotency-Key {key} and it is stored once.");

    /// <summary>Failures after which the event may or may not be stored: a retry with the same key settles it.</summary>
    private static bool IsTransient(Exception exception) =>
        exception is IOException or OperationCanceledException or HttpRequestException { StatusCode: null };
}
