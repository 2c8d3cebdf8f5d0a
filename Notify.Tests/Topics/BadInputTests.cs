using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

/// <summary>Bad input gets a problem-details answer with the right status, never a 500, and stores nothing.</summary>
[Collection(UsesNotifyApp.Name)]
public sealed class BadInputTests(NotifyApp app) : IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, json.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    private async Task AssertNothingStoredAsync(string topic)
    {
        using var events = await _http.GetAsync($"topics/{topic}/events");
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        using var json = JsonDocument.Parse(await events.Content.ReadAsStringAsync());
        Assert.Equal(0, json.RootElement.GetProperty("events").GetArrayLength());
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("semi%3Bcolon")]
    [InlineData("%C3%A9t%C3%A9")]
    [InlineData("a%2Fb")]
    public async Task BadTopic_Is400_ForPublishSubscribeAndList(string topic)
    {
        using var publish = await _http.PostAsync($"topics/{topic}", new StringContent("x"));
        await AssertProblemAsync(publish, HttpStatusCode.BadRequest, "topic id");

        using var subscribe = await _http.GetAsync($"topics/{topic}", HttpCompletionOption.ResponseHeadersRead);
        await AssertProblemAsync(subscribe, HttpStatusCode.BadRequest, "topic id");

        using var list = await _http.GetAsync($"topics/{topic}/events");
        await AssertProblemAsync(list, HttpStatusCode.BadRequest, "topic id");
    }

    [Fact]
    public async Task TooLongTopic_Is400()
    {
        using var response = await _http.PostAsync($"topics/{new string('t', 129)}", new StringContent("x"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "topic id");
    }

    [Theory]
    [InlineData("notify.reset", "reserved")]
    [InlineData("Notify.anything", "reserved")]
    [InlineData("line%0Abreak", "CR, LF or NUL")]
    [InlineData("carriage%0Dreturn", "CR, LF or NUL")]
    [InlineData("nul%00", "CR, LF or NUL")]
    public async Task BadType_Is400_AndNothingIsStored(string type, string detail)
    {
        var topic = Publisher.NewTopic("bad-type");
        using var response = await _http.PostAsync($"topics/{topic}?type={type}", new StringContent("x"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, detail);
        await AssertNothingStoredAsync(topic);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413_WithOrWithoutContentLength()
    {
        var topic = Publisher.NewTopic("too-large");
        var big = new string('x', 64 * 1024 + 1);

        using var withLength = await _http.PostAsync($"topics/{topic}", new StringContent(big));
        await AssertProblemAsync(withLength, HttpStatusCode.RequestEntityTooLarge, "65536");

        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var withoutLength = await _http.SendAsync(request);
        await AssertProblemAsync(withoutLength, HttpStatusCode.RequestEntityTooLarge, "65536");

        using var atLimit = await _http.PostAsync($"topics/{topic}", new StringContent(new string('x', 64 * 1024)));
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("image/png")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("text/plain; charset=iso-8859-1")]
    public async Task NonTextBody_Is415_AndNothingIsStored(string contentType)
    {
        var topic = Publisher.NewTopic("media");
        using var content = new ByteArrayContent("x"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await _http.PostAsync($"topics/{topic}", content);
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "not accepted");
        await AssertNothingStoredAsync(topic);
    }

    [Fact]
    public async Task InvalidUtf8_Is400()
    {
        var topic = Publisher.NewTopic("utf8");
        using var content = new ByteArrayContent([0x68, 0xC3, 0x28, 0xFF]);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await _http.PostAsync($"topics/{topic}", content);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "UTF-8");
        await AssertNothingStoredAsync(topic);
    }

    [Fact]
    public async Task EmptyBody_Is400()
    {
        var topic = Publisher.NewTopic("empty");
        using var response = await _http.PostAsync($"topics/{topic}", new StringContent(""));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "empty");
        await AssertNothingStoredAsync(topic);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    public async Task BadIdempotencyKey_Is400(string key)
    {
        var topic = Publisher.NewTopic("bad-key");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("x") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await _http.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Idempotency-Key");
        await AssertNothingStoredAsync(topic);
    }

    [Fact]
    public async Task SubscribeAcceptingOnlyJson_Is406()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"topics/{Publisher.NewTopic("json-only")}");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await _http.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.NotAcceptable, "/events");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("ten")]
    public async Task ListWithBadLimit_Is400(string limit)
    {
        using var response = await _http.GetAsync($"topics/{Publisher.NewTopic("limit")}/events?limit={limit}");
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "limit");
    }

    [Fact]
    public async Task MalformedChunkedBody_Is400_NotA500()
    {
        var topic = Publisher.NewTopic("chunked");
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(_http.BaseAddress!.Host, _http.BaseAddress.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /topics/{topic} HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nnot a chunk\r\n"));

        using var reader = new StreamReader(stream);
        var answer = await reader.ReadToEndAsync().WaitAsync(TestTimeouts.Event);

        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", answer, StringComparison.OrdinalIgnoreCase);
        await AssertNothingStoredAsync(topic);
    }

    [Fact]
    public async Task UnknownMethod_Is405_NotA500()
    {
        using var response = await _http.DeleteAsync($"topics/{Publisher.NewTopic("method")}");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
