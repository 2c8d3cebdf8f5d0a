using System.Text;
using System.Text.Json;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>Sends one <see cref="HostileCase"/> over a raw socket and checks its documented answer.</summary>
internal sealed class RawCaseRunner(HostileApp app, HttpClient http)
{
    public async Task RunAsync(HostileCase hostile)
    {
        var target = new CaseTarget(HostileApp.PublicTopic("raw"), HostileApp.PublicTopic("smuggled"));
        using var connection = await RawConnection.OpenAsync(app.Port);
        await connection.SendAsync(Encoding.Latin1.GetBytes(hostile.Request(target)));
        var closed = await connection.ReadToEndAsync(TestTimeouts.Event);
        var received = connection.Received;
        app.Record.Raw(hostile.Name, received);
        var responses = hostile.Status == 0 ? [] : RawResponse.ParseAll(received, closed);
        RecordAcknowledged(hostile, target, responses); // first, so the suite's last check covers them even if this case fails

        Assert.True(closed, $"the connection is still open after {TestTimeouts.Event}; got: {Encoding.Latin1.GetString(received)}");
        Assert.True(
            responses.Count == (hostile.Status == 0 ? 0 : 1),
            $"{responses.Count} answers ({string.Join(", ", responses.Select(r => r.Status))}); a second request was executed or none answered");
        if (hostile.Status != 0)
        {
            CheckAnswer(hostile, responses[0]);
        }

        hostile.Check?.Invoke(received);
        await CheckStoredAsync(hostile, target);
    }

    private static void CheckAnswer(HostileCase hostile, RawResponse answer)
    {
        Assert.True(answer.Status == hostile.Status, $"expected {hostile.Status}, got {answer.Status}: {answer.Text}");
        Assert.True(answer.Complete, "the answer was cut short");
        var mediaType = answer.Header("Content-Type")?.Split(';')[0];
        switch (hostile.Body)
        {
            case AnswerBody.Empty:
                Assert.Equal("0", answer.Header("Content-Length"));
                break;
            case AnswerBody.Problem:
                Assert.Equal("application/problem+json", mediaType);
                using (var problem = JsonDocument.Parse(answer.Body))
                {
                    Assert.Equal(hostile.Status, problem.RootElement.GetProperty("status").GetInt32());
                }

                break;
            case AnswerBody.Json:
                Assert.Equal("application/json", mediaType);
                break;
        }

        // What RFC 9110 requires of these statuses.
        if (answer.Status == 405)
        {
            Assert.Contains("GET", answer.Header("Allow") ?? "", StringComparison.Ordinal);
        }
        else if (answer.Status == 401)
        {
            Assert.StartsWith("Bearer", answer.Header("WWW-Authenticate"), StringComparison.Ordinal);
        }
    }

    private async Task CheckStoredAsync(HostileCase hostile, CaseTarget target)
    {
        Assert.Empty(await BufferedEvents.ReadAllAsync(http, target.Smuggled));
        var stored = await BufferedEvents.ReadAllAsync(http, target.Topic);
        if (hostile.Status != 201)
        {
            Assert.Empty(stored);
            return;
        }

        var only = Assert.Single(stored);
        Assert.Equal(hostile.Stored, only.Data);
        Assert.Equal(hostile.StoredType, only.Type);
    }

    private void RecordAcknowledged(HostileCase hostile, CaseTarget target, List<RawResponse> responses)
    {
        foreach (var created in responses.Where(r => r.Status == 201))
        {
            using var json = JsonDocument.Parse(created.Body);
            var topic = json.RootElement.GetProperty("topic").GetString()!;
            var data = topic == target.Smuggled ? Wire.SmuggledData : hostile.Stored;
            app.Record.Acknowledge(topic, json.RootElement.GetProperty("id").GetString()!, data, hostile.Name);
        }
    }
}
