using System.Net;
using System.Net.Http.Json;
using System.Text;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>Publish and subscribe requests carrying a token from a given source (or none).</summary>
public static class AuthorizedRequests
{
    public static Task<HttpResponseMessage> PublishAsync(this HttpClient http, string topic, TokenSource source, string? token, string data = "hello")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent(data, Encoding.UTF8, "text/plain") };
        if (token is not null)
        {
            request.Add(source, token);
        }

        return http.SendAsync(request);
    }

    /// <summary>Publishes and returns the acknowledged id; fails unless the answer is <c>201</c>.</summary>
    public static async Task<string> PublishAcknowledgedAsync(this HttpClient http, string topic, TokenSource source, string token, string data)
    {
        using var response = await http.PublishAsync(topic, source, token, data);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Publisher.Published>())!.Id;
    }

    /// <summary>Opens a stream and returns the response once its headers arrive (the body is not read).</summary>
    public static Task<HttpResponseMessage> SubscribeAsync(this HttpClient http, string topic, TokenSource source, string? token, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        if (token is not null)
        {
            request.Add(source, token);
        }

        return http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>A stream opened with <paramref name="token"/>, parsed as a client would.</summary>
    public static Task<SseTestClient> ConnectAsync(HttpClient http, string topic, TokenSource source, string token, string? lastEventId = null) =>
        source == TokenSource.Query
            ? SseTestClient.ConnectAsync(http, topic, lastEventId, query: "?access_token=" + Uri.EscapeDataString(token))
            : SseTestClient.ConnectAsync(http, topic, lastEventId, configure: request => request.Add(source, token));

    /// <summary>Asserts a refusal: its status, an RFC 9457 body with that status, and the RFC 6750 challenge.</summary>
    public static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string? error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();
        Assert.Equal((int)status, problem!.Status);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("realm=\"notify\"", challenge.Parameter, StringComparison.Ordinal);
        if (error is null)
        {
            Assert.DoesNotContain("error=", challenge.Parameter, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"error=\"{error}\"", challenge.Parameter, StringComparison.Ordinal);
        }
    }

    public sealed record ProblemBody(int Status, string? Title, string? Detail);
}
