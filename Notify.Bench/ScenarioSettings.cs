using System.ComponentModel;
using Notify.Bench.Load;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Notify.Bench;

/// <summary>Options of a scenario command; each one left out keeps the scenario's value.</summary>
internal sealed class ScenarioSettings : CommandSettings
{
    [CommandOption("--url <URL>")]
    [Description("Where topics live: events are POSTed to and streamed from <URL>/<topic>. Default http://127.0.0.1:5080/topics")]
    public string Url { get; init; } = "http://127.0.0.1:5080/topics";

    [CommandOption("--target <NAME>")]
    [Description("Name of the hub in the results (e.g. notify, nchan)")]
    public string Target { get; init; } = "hub";

    [CommandOption("--pid <PID>")]
    [Description("Server process id to measure CPU and memory of (with its children); repeatable")]
    public int[] Pids { get; init; } = [];

    [CommandOption("--subscribers <N>")]
    public int? Subscribers { get; init; }

    [CommandOption("--topics <N>")]
    public int? Topics { get; init; }

    [CommandOption("--topics-per-stream <N>")]
    [Description("Topics each subscriber's one stream follows (more than 1: the hub's stream of several topics)")]
    public int? TopicsPerStream { get; init; }

    [CommandOption("--topic-sets <STYLE>")]
    [Description("How the hub is asked for a stream of several topics: query (Notify: ?topic=a&topic=b) or comma-path (nchan: /a,b). Default query")]
    public string TopicSets { get; init; } = "query";

    [CommandOption("--rate <EVENTS_PER_SECOND>")]
    [Description("Total publish rate; 0 publishes as fast as the hub answers")]
    public double? Rate { get; init; }

    [CommandOption("--in-flight <N>")]
    [Description("Publish requests in flight at most, spread over the topics")]
    public int? InFlight { get; init; }

    [CommandOption("--window <N>")]
    [Description("As fast as possible: deliveries outstanding at most, per subscriber of a topic")]
    public int? Window { get; init; }

    [CommandOption("--duration <SECONDS>")]
    public double? Duration { get; init; }

    [CommandOption("--size <BYTES>")]
    [Description("Event body size")]
    public int? Size { get; init; }

    [CommandOption("--drop <FRACTION>")]
    [Description("Share of subscribers cut a third of the way in and resumed with Last-Event-ID")]
    public double? Drop { get; init; }

    [CommandOption("--drop-for <SECONDS>")]
    public double? DropFor { get; init; }

    [CommandOption("--warmup <SECONDS>")]
    [Description("Seconds of smaller unmeasured runs first, in waves that each connect afresh (0 for none). Default 30")]
    public double? Warmup { get; init; }

    [CommandOption("--out <DIRECTORY>")]
    [Description("Where the JSON and Markdown results go. Default .notify/bench")]
    public string Output { get; init; } = Path.Combine(".notify", "bench");

    /// <summary>The parsed <see cref="TopicSets"/> (validated before any command runs).</summary>
    public TopicSetStyle TopicSetStyle() => TopicSetUrls.TryParse(TopicSets, out var style) ? style : Load.TopicSetStyle.Query;

    public Scenario Apply(Scenario scenario) => scenario with
    {
        Subscribers = Subscribers ?? scenario.Subscribers,
        Topics = Topics ?? scenario.Topics,
        TopicsPerStream = TopicsPerStream ?? scenario.TopicsPerStream,
        Rate = Rate is { } rate ? (rate > 0 ? rate : null) : scenario.Rate,
        InFlight = InFlight ?? scenario.InFlight,
        WindowPerSubscriber = Window ?? scenario.WindowPerSubscriber,
        Duration = Duration is { } seconds ? TimeSpan.FromSeconds(seconds) : scenario.Duration,
        EventSize = Size ?? scenario.EventSize,
        DropFraction = Drop ?? scenario.DropFraction,
        DropFor = DropFor is { } dropFor ? TimeSpan.FromSeconds(dropFor) : scenario.DropFor,
        Warmup = Warmup is { } warmup ? TimeSpan.FromSeconds(warmup) : scenario.Warmup,
    };

    public override ValidationResult Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
        {
            return ValidationResult.Error("--url must be an absolute http:// URL (the tool speaks HTTP/1.1 without TLS).");
        }

        if (!System.Net.IPAddress.TryParse(url.Host, out _))
        {
            return ValidationResult.Error("--url must name an IP address, e.g. 127.0.0.1.");
        }

        if (!TopicSetUrls.TryParse(TopicSets, out _))
        {
            return ValidationResult.Error("--topic-sets must be query or comma-path.");
        }

        if (Subscribers <= 0 || Topics <= 0 || TopicsPerStream <= 0 || InFlight <= 0 || Duration <= 0 || Window <= 0 || Drop is < 0 or > 1)
        {
            return ValidationResult.Error("Counts and durations must be positive, --drop between 0 and 1.");
        }

        return ValidationResult.Success();
    }
}
