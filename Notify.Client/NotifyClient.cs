using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Notify.Client;

/// <summary>
/// Subscribes to Notify topics and publishes to them. Register it with
/// <c>services.AddNotifyClient(...)</c> (a typed <see cref="HttpClient"/> client), or build one over your own
/// <see cref="HttpClient"/>. Thread-safe: one instance serves any number of subscriptions and publishes.
/// </summary>
public sealed class NotifyClient
{
    private readonly NotifyHttp _http;
    private readonly ReconnectPolicy _policy;
    private readonly NotifyClientOptions _options;
    private readonly ILogger _logger;
    private readonly Publication _publication;

    /// <summary>The client the HttpClient factory builds for <c>AddNotifyClient</c>.</summary>
    [ActivatorUtilitiesConstructor]
    public NotifyClient(HttpClient httpClient, IOptions<NotifyClientOptions> options, ILogger<NotifyClient> logger)
        : this(httpClient, (options ?? throw new ArgumentNullException(nameof(options))).Value, logger)
    {
    }

    /// <summary>A client over <paramref name="httpClient"/>, which it does not dispose.</summary>
    /// <param name="httpClient">Sends the requests. Its <see cref="HttpClient.Timeout"/> bounds each request until its
    /// answer's headers, never a stream's life.</param>
    /// <param name="options">The base address (else the HttpClient's), the token provider, the retry limits.</param>
    /// <param name="logger">Logs reconnects and retries at Debug.</param>
    public NotifyClient(HttpClient httpClient, NotifyClientOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var baseAddress = options.BaseAddress ?? httpClient.BaseAddress
            ?? throw new ArgumentException("NotifyClientOptions.BaseAddress (or the HttpClient's BaseAddress) must be set.", nameof(options));
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException($"The base address '{baseAddress}' must be absolute.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MaxRetryDelay, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PublishTimeout, TimeSpan.Zero, nameof(options));
        if (options.StreamIdleTimeout <= TimeSpan.Zero && options.StreamIdleTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "StreamIdleTimeout must be positive, or infinite.");
        }

        // A base address with a path (https://host/notify) must end with '/' for topics/... to land under it.
        if (!baseAddress.AbsolutePath.EndsWith('/'))
        {
            baseAddress = new UriBuilder(baseAddress) { Path = baseAddress.AbsolutePath + "/" }.Uri;
        }

        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _http = new NotifyHttp(httpClient, baseAddress, options.TokenProvider);
        _policy = new ReconnectPolicy(options.MaxRetryDelay);
        _publication = new Publication(_http, _policy, options, _logger);
    }

    /// <summary>
    /// The events of one topic from <paramref name="from"/> on (<see cref="NotifyStart.Live"/> by default), resumed
    /// exactly across reconnects; see <see cref="SubscribeAsync(IEnumerable{string}, NotifyStart?, CancellationToken)"/>.
    /// </summary>
    public IAsyncEnumerable<NotifyItem> SubscribeAsync(string topic, NotifyStart? from = null, CancellationToken cancellationToken = default) =>
        SubscribeAsync([topic], from, cancellationToken);

    /// <summary>
    /// The events of several topics, merged: each topic's in order, the topics' interleaved as they arrive. Each topic
    /// has its own stream, which the client reconnects by itself (after the stream's <c>retry:</c> interval, backing off
    /// with jitter while it fails) and resumes after the last item it yielded: nothing missed, nothing twice. When the
    /// server cannot continue exactly it yields a <see cref="NotifyNotice"/>; it never skips silently.
    /// </summary>
    /// <param name="topics">The topics, each once.</param>
    /// <param name="from">Where each topic starts; <see cref="NotifyStart.Live"/> by default.</param>
    /// <param name="cancellationToken">Ends the subscription (the enumeration throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>Events and notices. The enumeration throws <see cref="HttpRequestException"/> (with its status) when a
    /// stream is refused for good: <c>403</c>, a <c>401</c> twice in a row, a <c>400</c>.</returns>
    public IAsyncEnumerable<NotifyItem> SubscribeAsync(IEnumerable<string> topics, NotifyStart? from = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topics);
        string[] list = [.. topics];
        if (list.Length == 0)
        {
            throw new ArgumentException("Subscribe to at least one topic.", nameof(topics));
        }

        foreach (var topic in list)
        {
            TopicNames.Validate(topic, nameof(topics));
        }

        if (list.Distinct(StringComparer.Ordinal).Count() != list.Length)
        {
            throw new ArgumentException("Each topic may be named once.", nameof(topics));
        }

        var start = from ?? NotifyStart.Live;
        return Subscription.ReadAsync(list, topic => new TopicStream(topic, start, _http, _policy, _options, _logger), cancellationToken);
    }

    /// <summary>
    /// Publishes <paramref name="data"/> to <paramref name="topic"/> and returns once the server has stored it. An event
    /// that could not be confirmed stored (<c>503</c>, <c>502</c>, <c>504</c>, a broken connection) is retried with the
    /// same <c>Idempotency-Key</c> (after <c>Retry-After</c>), so it is stored exactly once; so is a <c>429</c> (too fast:
    /// nothing was stored, and the answer says when to come back). Retries stop after
    /// <see cref="NotifyClientOptions.PublishTimeout"/> with a <see cref="TimeoutException"/>.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="data">The event's data: UTF-8 text, not empty.</param>
    /// <param name="type">The event's SSE type, or null for the default (<c>message</c>).</param>
    /// <param name="idempotencyKey">Identifies the event across retries, the caller's own included; one is made up when null.</param>
    /// <param name="cancellationToken">Stops waiting; the event may or may not be stored then.</param>
    /// <exception cref="HttpRequestException">Refused: <c>400</c>, <c>401</c> (twice), <c>403</c>, <c>413</c>, <c>415</c>.</exception>
    public Task<NotifyPublished> PublishAsync(
        string topic, string data, string? type = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        TopicNames.Validate(topic, nameof(topic));
        ArgumentException.ThrowIfNullOrEmpty(data);
        if (type is { Length: 0 })
        {
            throw new ArgumentException("An event type is null or not empty.", nameof(type));
        }

        return _publication.PublishAsync(topic, data, type, idempotencyKey ?? Guid.NewGuid().ToString("N"), cancellationToken);
    }
}
