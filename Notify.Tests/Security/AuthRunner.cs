using System.Net.Http.Json;
using System.Text;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>Sends one <see cref="AuthCase"/> and checks its status, its WWW-Authenticate header and what was stored.</summary>
internal sealed class AuthRunner(HostileApp app, HttpClient http, string auditorToken)
{
    public async Task RunAsync(AuthCase auth)
    {
        var topic = Publisher.NewTopic(auth.TopicPrefix + "auth");
        var data = $"published by {auth.Name}";
        var query = auth.QueryToken?.Invoke() is { } token ? $"?access_token={Uri.EscapeDataString(token)}" : "";
        using var request = auth.Action switch
        {
            AuthAction.Publish => new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}{query}") { Content = new StringContent(data, Encoding.UTF8, "text/plain") },
            AuthAction.Subscribe => new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}{query}"),
            _ => new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}/events{query}"),
        };
        if (auth.Authorization() is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if ((int)response.StatusCode == 201)
        {
            var published = await response.Content.ReadFromJsonAsync<Publisher.Published>();
            app.Record.Acknowledge(topic, published!.Id, data, auth.Name);
        }
        else
        {
            app.Record.Body(auth.Name, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(auth.Status, (int)response.StatusCode);
        CheckChallenge(auth, response);
        var stored = await BufferedEvents.ReadAllAsync(http, topic, auditorToken);
        Assert.Equal(auth.Status == 201 ? [data] : [], stored.Select(e => e.Data));
    }

    private static void CheckChallenge(AuthCase auth, HttpResponseMessage response)
    {
        var challenge = string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        if (auth.Status is not (401 or 403))
        {
            Assert.Empty(challenge);
            return;
        }

        Assert.StartsWith("Bearer realm=\"notify\"", challenge, StringComparison.Ordinal);
        if (auth.Error is null)
        {
            Assert.DoesNotContain("error=", challenge, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"error=\"{auth.Error}\"", challenge, StringComparison.Ordinal);
        }
    }
}
