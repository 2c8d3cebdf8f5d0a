using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Notify.Client;

/// <summary>
/// The HTTP side shared by streams and publishes: Notify's URLs, the bearer token (asked for on every request, and once
/// more after a <c>401</c>), which answers are worth retrying, and the errors thrown for the others.
/// </summary>
internal sealed class NotifyHttp(HttpClient http, Uri baseAddress, Func<CancellationToken, ValueTask<string?>>? tokenProvider)
{
    /// <summary>What to do with an answer.</summary>
    public enum Verdict
    {
        /// <summary>2xx.</summary>
        Success,

        /// <summary>The server or the load balancer cannot serve it now: try again (after <c>Retry-After</c>).</summary>
        Retry,

        /// <summary>Trying again would get the same answer: surface it.</summary>
        Fail,
    }

    /// <summary><c>topics/{topic}</c> and what follows, under the base address.</summary>
    public Uri TopicUri(string topic, string? rest = null) => new(baseAddress, "topics/" + topic + rest);

    /// <summary>
    /// Sends the request <paramref name="build"/> makes, with the token provider's token. A <c>401</c> is tried once more
    /// with a token asked for again (it may have just expired); the second answer is returned, whatever it is.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            if (tokenProvider is not null && await tokenProvider(cancellationToken).ConfigureAwait(false) is { Length: > 0 } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            var response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || tokenProvider is null || attempt > 1)
            {
                return response;
            }

            response.Dispose();
        }
    }

    /// <summary>
    /// <c>502</c>, <c>503</c> and <c>504</c> (Notify or its load balancer cannot serve it now), <c>408</c> and <c>429</c>
    /// (too fast: the answer says when to come back) are retried; any other failure is not.
    /// </summary>
    public static Verdict Judge(HttpResponseMessage response) => response.StatusCode switch
    {
        _ when response.IsSuccessStatusCode => Verdict.Success,
        HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
            or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => Verdict.Retry,
        _ => Verdict.Fail,
    };

    /// <summary>The answer's <c>Retry-After</c> (seconds or a date), if any.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>An error for an answer that will not change on retry, quoting the server's problem details.</summary>
    public static async Task<HttpRequestException> RefusedAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        string? detail = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                var problem = await response.Content.ReadFromJsonAsync(NotifyJson.Default.Problem, cancellationToken).ConfigureAwait(false);
                detail = problem?.Detail ?? problem?.Title;
            }
            catch (System.Text.Json.JsonException)
            {
                // Not problem details after all: the status says enough.
            }
        }

        var status = (int)response.StatusCode;
        return new HttpRequestException(
            $"Notify refused {what}: {status} {response.ReasonPhrase}{(detail is null ? "" : ": " + detail)}",
            inner: null,
            response.StatusCode);
    }
}
