using System.Text;
using System.Net;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// What a client sends never breaks a log line, bad input from a client is never logged as an error, and a token sent
/// in the query never reaches a log entry, a span, a metric or an answer.
/// </summary>
[Collection(Diagnostics.MeasuresTheProcess.Name)]
public sealed class LogHygieneTests(LoggedNotifyApp app) : IClassFixture<LoggedNotifyApp>, IDisposable
{
    private const int HalfClosedTries = 100;

    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ALastEventIdWithCrLf_IsLoggedOnOneLine_NeverAsForgedLines()
    {
        var topic = "public." + Guid.NewGuid().ToString("N");
        await _http.PublishAsync(topic, "first");
        await using var stream = await SseTestClient.ConnectAsync(_http, topic, query: "?last_event_id=x%0D%0Aid%3A%20evil%0D%0Adata%3A%20evil");
        Assert.Equal("notify.reset", (await stream.NextAsync()).EventType);

        var quoting = await WaitForEntriesAsync(entry => entry.Message.Contains("evil", StringComparison.Ordinal), "the reset is logged");
        foreach (var entry in quoting)
        {
            Assert.DoesNotContain('\r', entry.Message);
            Assert.DoesNotContain('\n', entry.Message);
            Assert.Contains(@"x\x0D\x0Aid: evil\x0D\x0Adata: evil", entry.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MalformedChunksAHalfClosedBodyAndASlowBody_Get4xx_AndAreLoggedAtDebugOnly()
    {
        var topic = "public." + Guid.NewGuid().ToString("N");
        var head = $"POST /topics/{topic} HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n";
        var before = app.Logs.Entries.Count;

        var badSize = await ExchangeAsync(head + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
        var badExtension = await ExchangeAsync(head + "Transfer-Encoding: chunked\r\n\r\n5;ext\nhello\r\n0\r\n\r\n");
        var halfClosed = new List<string>();
        for (var i = 0; i < HalfClosedTries; i++)
        {
            halfClosed.Add(await HalfClosedBodyAsync(head));
        }

        string slow;
        using (var connection = await RawConnection.OpenAsync(app.BaseAddress.Port))
        {
            // A body of 1000 bytes, one every 500 ms: far under Kestrel's minimum rate once its grace period is over.
            await connection.SendAsync(head + "Content-Length: 1000\r\n\r\n");
            var body = Encoding.ASCII.GetBytes(new string('x', 1000));
            Assert.NotNull(await SlowSender.SendUntilClosedAsync(connection, body, 1, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30)));
            slow = Encoding.UTF8.GetString(connection.Received);
        }

        Assert.StartsWith("HTTP/1.1 400", badSize, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400", badExtension, StringComparison.Ordinal);
        Assert.All(halfClosed, answer => Assert.Equal("", answer)); // Kestrel takes the client's FIN for leaving: no answer, the connection closed
        Assert.StartsWith("HTTP/1.1 408", slow, StringComparison.Ordinal);
        foreach (var answer in new[] { badSize, badExtension, slow })
        {
            Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", answer, StringComparison.Ordinal);
        }

        var entries = app.Logs.Entries.Skip(before).Where(e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || e.Category.StartsWith("Notify", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning);
        var badBodies = entries.Where(e => e.Message.StartsWith("A publish body could not be read", StringComparison.Ordinal)).ToList();
        Assert.All(badBodies, e => Assert.Equal((LogLevel.Debug, null, false), (e.Level, e.Exception, e.Message.Contains('\n', StringComparison.Ordinal))));
        // The three answered above; a half-closed one too when Kestrel reads its FIN as a cut-short body before the
        // client's leaving aborts the request (a race).
        Assert.InRange(badBodies.Count, 3, 3 + HalfClosedTries);
    }

    [Fact]
    public async Task AQueryToken_NeverReachesALogEntryASpanAMetricOrAnAnswer()
    {
        var spans = new List<System.Diagnostics.Activity>();
        using var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddAspNetCoreInstrumentation() // as ServiceDefaults traces requests
            .AddSource("Notify")
            .SetSampler(new OpenTelemetry.Trace.AlwaysOnSampler())
            .AddInMemoryExporter(spans)
            .Build();
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var token = TestTokens.For("secret-holder", publish: ["orders.*"], subscribe: ["orders.*"]);
        var expired = TestTokens.Expired("expired-holder");
        var answers = new List<string>();

        await using (var stream = await SseTestClient.ConnectAsync(_http, topic, query: $"?access_token={token}&last_event_id=garbage"))
        {
            Assert.Equal("notify.reset", (await stream.NextAsync()).EventType);
        }

        foreach (var url in new[] { $"topics/{topic}?access_token={token}", $"topics/{topic}?access_token={expired}", $"topics/public.x?access_token={expired}&type=notify.bad" })
        {
            using var response = await _http.PostAsync(url, new StringContent("x"));
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        using (var read = await _http.GetAsync($"topics/{topic}/events?access_token={expired}&limit=nope"))
        {
            answers.Add(await read.Content.ReadAsStringAsync());
        }

        tracing.ForceFlush();
        // The scrape that counts these requests' refusals (a scrape may be a few hundred ms old) carries their tags.
        Diagnostics.PrometheusText? metrics = null;
        await Eventually.TrueAsync(
            async () => (metrics = await Diagnostics.PrometheusText.ScrapeAsync(_http)).Value("notify_requests_rejected_total", ("notify_rejection_reason", "auth")) > 0,
            "the refused requests are counted");
        foreach (var secret in new[] { token, expired })
        {
            var signature = secret[(secret.LastIndexOf('.') + 1)..];
            Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains(signature, StringComparison.Ordinal) || e.Values.Any(v => v.Contains(signature, StringComparison.Ordinal)) || (e.Exception?.ToString().Contains(signature, StringComparison.Ordinal) ?? false));
            Assert.DoesNotContain(spans, span => span.TagObjects.Any(tag => tag.Value?.ToString()?.Contains(signature, StringComparison.Ordinal) ?? false) || span.DisplayName.Contains(signature, StringComparison.Ordinal));
            Assert.DoesNotContain(answers, answer => answer.Contains(signature, StringComparison.Ordinal));
            Assert.DoesNotContain(signature, metrics!.Text, StringComparison.Ordinal);
        }

        Assert.Contains(spans, span => span.Kind == System.Diagnostics.ActivityKind.Server); // the requests were traced
    }

    /// <summary>Sends a request byte for byte and reads the answer until the server closes.</summary>
    private async Task<string> ExchangeAsync(string request)
    {
        using var connection = await RawConnection.OpenAsync(app.BaseAddress.Port);
        await connection.SendAsync(request);
        Assert.True(await connection.ReadToEndAsync(TestTimeouts.Request), "the server neither answered nor closed");
        return Encoding.UTF8.GetString(connection.Received);
    }

    /// <summary>
    /// Sends 10 of 100 announced body bytes once the app is reading the body (Kestrel's <c>100 Continue</c> says so),
    /// then closes the sending side; answers what came after the <c>100 Continue</c>. The app's read then sees the
    /// bytes before the end of input, the order in which Kestrel once left the connection's input "reading" and
    /// logged its end as abnormal. It is a race still, about one try in ten, so the test makes many.
    /// </summary>
    private async Task<string> HalfClosedBodyAsync(string head)
    {
        const string Continue = "HTTP/1.1 100 Continue\r\n\r\n";
        using var connection = await RawConnection.OpenAsync(app.BaseAddress.Port);
        await connection.SendAsync(head + "Expect: 100-continue\r\nContent-Length: 100\r\n\r\n");
        Assert.True(await connection.ReadUntilAsync(r => Encoding.ASCII.GetString(r).StartsWith(Continue, StringComparison.Ordinal), TestTimeouts.Request), "no 100 Continue");
        await connection.SendAsync("only ten b");
        connection.ShutdownSend();
        Assert.True(await connection.ReadToEndAsync(TestTimeouts.Request), "the server neither answered nor closed");
        return Encoding.UTF8.GetString(connection.Received)[Continue.Length..];
    }

    private async Task<List<CapturedLogs.Entry>> WaitForEntriesAsync(Func<CapturedLogs.Entry, bool> match, string because)
    {
        await Eventually.TrueAsync(() => app.Logs.Entries.Any(match), because);
        return [.. app.Logs.Entries.Where(match)];
    }
}
