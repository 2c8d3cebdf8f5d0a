using System.Security.Claims;
using System.Text.Json;

namespace Notify.Api.Security;

/// <summary>
/// The topics a client may publish to and subscribe to. A token grants them in its <c>notify</c> claim, a JSON object:
/// <c>{"publish": ["orders.*"], "subscribe": ["orders.*", "prices"]}</c>; either list may be left out.
/// </summary>
public sealed class TopicRights
{
    /// <summary>The claim a token carries its rights in.</summary>
    public const string ClaimType = "notify";

    /// <summary>No right at all.</summary>
    public static readonly TopicRights None = new([], []);

    private readonly TopicSelector[] _publish;
    private readonly TopicSelector[] _subscribe;

    private TopicRights(TopicSelector[] publish, TopicSelector[] subscribe)
    {
        _publish = publish;
        _subscribe = subscribe;
    }

    /// <summary>Rights from configuration; throws on a selector that does not parse (checked at start-up).</summary>
    public static TopicRights FromOptions(TopicRightsOptions options) =>
        new(Parse(options.Publish, strict: true), Parse(options.Subscribe, strict: true));

    /// <summary>The rights of an authenticated client: none when its token has no (or a malformed) <c>notify</c> claim.</summary>
    public static TopicRights FromClaims(ClaimsPrincipal user)
    {
        var claim = user.FindFirst(ClaimType);
        if (claim is null)
        {
            return None;
        }

        try
        {
            using var document = JsonDocument.Parse(claim.Value);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return None;
            }

            return new TopicRights(Selectors(document.RootElement, "publish"), Selectors(document.RootElement, "subscribe"));
        }
        catch (JsonException)
        {
            return None;
        }
    }

    /// <summary>Whether these rights allow <paramref name="right"/> on <paramref name="topic"/>.</summary>
    public bool Allows(TopicRight right, string topic)
    {
        foreach (var selector in right == TopicRight.Publish ? _publish : _subscribe)
        {
            if (selector.Matches(topic))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether these rights cover every topic (the <c>*</c> selector), as an operator's do.</summary>
    public bool CoversEveryTopic(TopicRight right) =>
        (right == TopicRight.Publish ? _publish : _subscribe).Any(selector => selector.Text == "*");

    private static TopicSelector[] Selectors(JsonElement rights, string name)
    {
        if (!rights.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return Parse(list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()), strict: false);
    }

    /// <summary>Parses selectors; a token's unparsable ones grant nothing, configuration's fail the start.</summary>
    private static TopicSelector[] Parse(IEnumerable<string?> texts, bool strict)
    {
        var selectors = new List<TopicSelector>();
        foreach (var text in texts)
        {
            if (TopicSelector.TryParse(text, out var selector))
            {
                selectors.Add(selector);
            }
            else if (strict)
            {
                throw new InvalidOperationException($"'{text}' is not a topic selector: use an id, a prefix ending in '.*', or '*'.");
            }
        }

        return [.. selectors];
    }
}
