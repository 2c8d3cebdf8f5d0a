using System.Text.Json;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>Resumes from one <see cref="ResumeCase"/> and checks the reset that answers it.</summary>
internal sealed class ResumeRunner(HostileApp app, HttpClient http)
{
    public async Task RunAsync(ResumeCase resume)
    {
        var topic = HostileApp.PublicTopic("resume");
        var data = $"buffered before {resume.Name}";
        var published = await http.PublishAsync(topic, data);
        app.Record.Acknowledge(topic, published, data, resume.Name);
        var epoch = Publisher.EpochOf(published);
        var id = resume.Id(epoch);

        if (resume.Via == ResumeVia.EventsAfter)
        {
            await CheckPageAsync(resume, topic, id, published);
            return;
        }

        var (header, query) = resume.Via switch
        {
            ResumeVia.Header => (id, null),
            ResumeVia.Query => (null, $"?last_event_id={id}"),
            ResumeVia.CamelQuery => (null, $"?lastEventId={id}"),
            _ => (id, "?last_event_id=garbage"),
        };
        await using var subscriber = await SseTestClient.ConnectAsync(http, topic, header, query);
        var reset = await subscriber.NextAsync();
        app.Record.Body(resume.Name, reset.Data);

        Assert.Equal("notify.reset", reset.EventType);
        Assert.DoesNotContain('\n', reset.Data); // one data line: whatever the id held, it was escaped in the JSON
        using var json = JsonDocument.Parse(reset.Data);
        Assert.Equal(resume.Reason, json.RootElement.GetProperty("reason").GetString());
        Assert.Equal($"{epoch}:0", reset.EventId); // continues before the oldest buffered event
        if (header is not null)
        {
            Assert.Equal(header, json.RootElement.GetProperty("lastEventId").GetString());
        }

        var next = await subscriber.NextAsync();
        Assert.Equal((published, "message", data), (next.EventId, next.EventType, next.Data));
    }

    private async Task CheckPageAsync(ResumeCase resume, string topic, string after, string published)
    {
        using var response = await http.GetAsync($"topics/{topic}/events?after={Uri.EscapeDataString(after)}");
        var text = await response.Content.ReadAsStringAsync();
        app.Record.Body(resume.Name, text);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var page = JsonDocument.Parse(text);
        Assert.Equal(resume.Reason, page.RootElement.GetProperty("reset").GetProperty("reason").GetString());
        Assert.Equal(published, page.RootElement.GetProperty("events")[0].GetProperty("id").GetString());
    }
}
