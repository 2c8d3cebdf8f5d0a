using System.Net.ServerSentEvents;
using System.Text;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>Publishes one <see cref="InjectionCase"/> to a live subscriber and checks the exact bytes it receives.</summary>
internal sealed class InjectionRunner(HostileApp app, HttpClient http)
{
    public async Task RunAsync(InjectionCase injection)
    {
        var topic = HostileApp.PublicTopic("inject");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var reader = new RawStreamReader(body);
        Assert.Equal("retry: 3000\n\n", await reader.ReadUntilAsync("\n\n"));

        var id = await http.PublishAsync(topic, injection.Body);
        app.Record.Acknowledge(topic, id, injection.Body, injection.Name);
        var frame = await reader.ReadUntilAsync("\n\n", skipHeartbeats: true);
        app.Record.Body(injection.Name, frame);

        Assert.Equal($"id: {id}\n{injection.DataLines}\n", frame);
        var parsed = Assert.Single(SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(frame))).Enumerate());
        Assert.Equal((id, "message", injection.Data), (parsed.EventId, parsed.EventType, parsed.Data));
    }
}
