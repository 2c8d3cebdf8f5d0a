using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Notify.Client;

/// <summary>
/// One topic's stream: connects, hands each item on, and when the stream ends or breaks reconnects after the server's
/// <c>retry:</c> interval (backing off while it keeps failing) and resumes after the last position it handed on, until
/// it is cancelled or refused for good.
/// </summary>
internal sealed class TopicStream
{
    private const string EarliestKeyword = "earliest";

    // Static: the parser calls it once per event, and it allocates nothing but the event's data.
    private static readonly SseItemParser<string> DecodeData = static (_, data) => Encoding.UTF8.GetString(data);

    private readonly string _topic;
    private readonly StartKind _start;
    private readonly DateTimeOffset _since;
    private readonly NotifyHttp _http;
    private readonly ReconnectPolicy _policy;
    private readonly NotifyClientOptions _options;
    private readonly ILogger _logger;

    /// <summary>The id (or keyword) the next connect resumes after; null while a Live, Latest or Since start has none yet.</summary>
    private string? _position;

    /// <summary>The stream's <c>retry:</c>, kept across connects as EventSource does.</summary>
    private TimeSpan _interval = ReconnectPolicy.DefaultStreamInterval;

    /// <summary>Connects in a row that delivered nothing.</summary>
    private int _failures;

    public TopicStream(string topic, NotifyStart start, NotifyHttp http, ReconnectPolicy policy, NotifyClientOptions options, ILogger logger)
    {
        _topic = topic;
        (_start, _position, _since) = start.For(topic);
        if (_start == StartKind.Earliest)
        {
            // Asking for the whole buffer again until something arrives loses nothing and repeats nothing.
            _position = EarliestKeyword;
        }

        _http = http;
        _policy = policy;
        _options = options;
        _logger = logger;
    }

    /// <summary>Runs until cancelled (<see cref="OperationCanceledException"/>) or refused (<see cref="HttpRequestException"/>).</summary>
    public async Task RunAsync(ChannelWriter<NotifyItem> output, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = await ConnectOnceAsync(output, cancellationToken).ConfigureAwait(false);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One connection, read to its end; returns how long to wait before the next.</summary>
    private async Task<TimeSpan> ConnectOnceAsync(ChannelWriter<NotifyItem> output, CancellationToken cancellationToken)
    {
        try
        {
            if (_position is null && _start is StartKind.Live or StartKind.Latest
                && await ResolveStartAsync(output, cancellationToken).ConfigureAwait(false) is { } notYet)
            {
                return notYet;
            }

            using var response = await _http.SendAsync(StreamRequest, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (await JudgeAsync(response, "the stream", cancellationToken).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                // With its status, so it is not taken for a broken connection and retried.
                throw new HttpRequestException(
                    $"Notify answered the stream of {_topic} with {response.Content.Headers.ContentType}, not text/event-stream: is the base address Notify's?",
                    inner: null,
                    response.StatusCode);
            }

            return await ReadAsync(response, output, cancellationToken).ConfigureAwait(false)
                ? TimeSpan.Zero
                : Failed(null, "the stream ended");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && IsTransient(exception))
        {
            return Failed(null, exception.Message);
        }
    }

    /// <summary>
    /// A live or latest start names no position the server could resume from if the first stream broke before its
    /// first event: the buffer's head does, so the start is turned into one (latest: with the newest event handed on).
    /// </summary>
    /// <returns>Null once resolved; otherwise how long to wait before trying again.</returns>
    private async Task<TimeSpan?> ResolveStartAsync(ChannelWriter<NotifyItem> output, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, _http.TopicUri(_topic, "/events?after=latest&limit=1")),
            HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        if (await JudgeAsync(response, "the topic's head", cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var page = await response.Content.ReadFromJsonAsync(NotifyJson.Default.BufferPage, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException("The buffer page was null.");
        if (_start == StartKind.Latest && page.Events is [.., var newest])
        {
            await output.WriteAsync(new NotifyEvent(_topic, newest.Id, newest.Type ?? NotifyEvent.DefaultType, AsStreamed(newest.Data)), cancellationToken).ConfigureAwait(false);
        }

        _position = page.Head;
        return null;
    }

    /// <summary>Reads a stream to its end. True when it ended asking to be resumed at once (lagged, expired).</summary>
    private async Task<bool> ReadAsync(HttpResponseMessage response, ChannelWriter<NotifyItem> output, CancellationToken cancellationToken)
    {
        var opened = Stopwatch.GetTimestamp();
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var watched = new IdleTimeoutStream(body, idle, _options.StreamIdleTimeout);
        var parser = SseParser.Create(watched, DecodeData);
        try
        {
            await foreach (var sse in parser.EnumerateAsync(idle.Token).ConfigureAwait(false))
            {
                var item = ToItem(sse, parser.LastEventId);
                if (!output.TryWrite(item))
                {
                    // Waiting for the consumer is not an idle connection. No token: a cancellable wait for room
                    // allocates each time; the subscription closes the channel to release this wait when it stops.
                    watched.Pause();
                    await output.WriteAsync(item, CancellationToken.None).ConfigureAwait(false);
                }

                if (item.Position.Length > 0)
                {
                    _position = item.Position;
                }

                _failures = 0;
                if (item is NotifyLagged or NotifyExpired)
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            if (parser.ReconnectionInterval != Timeout.InfiniteTimeSpan)
            {
                _interval = parser.ReconnectionInterval;
            }

            if (Stopwatch.GetElapsedTime(opened) >= _options.MaxRetryDelay)
            {
                // A quiet topic's stream that lived long was healthy: its end starts the back-off afresh.
                _failures = 0;
            }
        }
    }

    private HttpRequestMessage StreamRequest()
    {
        var since = _position is null && _start == StartKind.Since
            ? "?since=" + Uri.EscapeDataString(_since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
            : null;
        var request = new HttpRequestMessage(HttpMethod.Get, _http.TopicUri(_topic, since));
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        if (_position is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", _position);
        }

        return request;
    }

    /// <summary>Null for a success; the wait for an answer worth retrying; throws for the others.</summary>
    private async Task<TimeSpan?> JudgeAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken) =>
        NotifyHttp.Judge(response) switch
        {
            NotifyHttp.Verdict.Success => null,
            NotifyHttp.Verdict.Retry => Failed(NotifyHttp.RetryAfter(response), $"{(int)response.StatusCode} {response.ReasonPhrase}"),
            _ => throw await NotifyHttp.RefusedAsync(response, $"{what} of {_topic}", cancellationToken).ConfigureAwait(false),
        };

    private TimeSpan Failed(TimeSpan? retryAfter, string reason)
    {
        _failures++;
        var wait = _policy.DelayAfter(_failures, _interval, retryAfter);
        NotifyLog.Reconnecting(_logger, _topic, wait.TotalSeconds, _position, reason);
        return wait;
    }

    private NotifyItem ToItem(SseItem<string> sse, string? lastEventId)
    {
        switch (sse.EventType)
        {
            case "notify.reset":
                var reset = Parse(sse, NotifyJson.Default.ResetData);
                return new NotifyReset(_topic, ReasonOf(reset.Reason), reset.LastEventId, reset.ContinuesAfter);
            case "notify.lagged":
                var lagged = Parse(sse, NotifyJson.Default.LaggedData);
                return new NotifyLagged(_topic, lagged.LastEventId, lagged.QueueLimit);
            case "notify.expired":
                return new NotifyExpired(_topic, Parse(sse, NotifyJson.Default.ExpiredData).LastEventId);
            default:
                return new NotifyEvent(_topic, sse.EventId ?? lastEventId ?? string.Empty, sse.EventType, sse.Data);
        }
    }

    private static T Parse<T>(SseItem<string> sse, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(sse.Data, type) ?? throw new JsonException($"{sse.EventType} had no data.");

    private static NotifyResetReason ReasonOf(string reason) => reason switch
    {
        "expired" => NotifyResetReason.Expired,
        "epoch" => NotifyResetReason.Epoch,
        "malformed" => NotifyResetReason.Malformed,
        "unknown" => NotifyResetReason.Unknown,
        _ => NotifyResetReason.Other,
    };

    /// <summary>Line breaks as a stream delivers them (CR, LF and CRLF all end a line; EventSource joins lines with LF).</summary>
    private static string AsStreamed(string data) =>
        data.Contains('\r', StringComparison.Ordinal) ? data.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : data;

    /// <summary>Failures a reconnect may cure: the connection, a timeout, an answer cut short.</summary>
    private static bool IsTransient(Exception exception) =>
        exception is IOException or OperationCanceledException or HttpRequestException { StatusCode: null };
}
