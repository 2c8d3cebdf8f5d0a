using System.Net.ServerSentEvents;
using System.Threading.Channels;

namespace Notify.Tests.Fixtures;

/// <summary>
/// A subscriber as a client sees it: a real HTTP request to <c>GET /topics/{topic}</c>, parsed by
/// System.Net.ServerSentEvents' <see cref="SseParser"/>. Events are collected as they arrive.
/// </summary>
public sealed class SseTestClient : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseItem<string>> _events = Channel.CreateUnbounded<SseItem<string>>();
    private readonly HttpResponseMessage _response;
    private readonly Task _reading;

    private SseTestClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reading = Task.Run(() => ReadAsync(body));
    }

    public HttpResponseMessage Response => _response;

    /// <summary>The retry interval the stream announced.</summary>
    public TimeSpan? ReconnectionInterval { get; private set; }

    /// <summary>Completes when the server ends the stream.</summary>
    public Task Completion => _reading;

    public static async Task<SseTestClient> ConnectAsync(
        HttpClient http, string topic, string? lastEventId = null, string? query = null, TimeSpan? timeout = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}{query}");
        request.Headers.Accept.ParseAdd("text/event-stream");
        configure?.Invoke(request);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        using var connectTimeout = new CancellationTokenSource(timeout ?? TestTimeouts.Connect);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, connectTimeout.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseTestClient(response, await response.Content.ReadAsStreamAsync(connectTimeout.Token));
    }

    /// <summary>The next event, or a failure after <paramref name="timeout"/>.</summary>
    public async Task<SseItem<string>> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Event);
        try
        {
            return await _events.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No event within {timeout ?? TestTimeouts.Event}.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The server ended the stream.");
        }
    }

    /// <summary>The next <paramref name="count"/> events.</summary>
    public async Task<List<SseItem<string>>> TakeAsync(int count, TimeSpan? timeout = null)
    {
        var items = new List<SseItem<string>>(count);
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Event + TimeSpan.FromMilliseconds(count * 20));
        while (items.Count < count)
        {
            try
            {
                items.Add(await _events.Reader.ReadAsync(cts.Token));
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"Got {items.Count} of {count} events in time.");
            }
        }

        return items;
    }

    private async Task ReadAsync(Stream body)
    {
        try
        {
            var parser = SseParser.Create(body);
            await foreach (var item in parser.EnumerateAsync(_stop.Token))
            {
                ReconnectionInterval = parser.ReconnectionInterval;
                await _events.Writer.WriteAsync(item);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            _events.Writer.TryComplete(exception);
            return;
        }

        _events.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _stop.Dispose();
    }
}
