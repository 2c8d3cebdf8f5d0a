namespace Notify.Api.Security;

/// <summary>
/// Which topics a right covers: an exact id (<c>orders.42</c>), every id with a prefix (<c>orders.*</c> covers
/// <c>orders.42</c> and <c>orders.eu.7</c>, not <c>orders</c>), or every topic (<c>*</c>).
/// </summary>
public readonly record struct TopicSelector
{
    private const string AnySuffix = ".*";

    private TopicSelector(string text, string match, bool isPrefix)
    {
        Text = text;
        _match = match;
        _isPrefix = isPrefix;
    }

    private readonly string _match;
    private readonly bool _isPrefix;

    /// <summary>The selector as written.</summary>
    public string Text { get; }

    /// <summary>Parses a selector; false for one with a <c>*</c> anywhere but as the whole selector or after a final dot.</summary>
    public static bool TryParse(string? text, out TopicSelector selector)
    {
        selector = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text == "*")
        {
            selector = new TopicSelector(text, "", isPrefix: true);
            return true;
        }

        var isPrefix = text.EndsWith(AnySuffix, StringComparison.Ordinal);
        var match = isPrefix ? text[..^1] : text; // "orders.*" matches ids starting "orders."
        if (match.Contains('*', StringComparison.Ordinal) || match == ".")
        {
            return false;
        }

        selector = new TopicSelector(text, match, isPrefix);
        return true;
    }

    /// <summary>Whether <paramref name="topic"/> is covered.</summary>
    public bool Matches(string topic)
    {
        if (!_isPrefix)
        {
            return topic.Equals(_match, StringComparison.Ordinal);
        }

        return _match.Length == 0 || (topic.Length > _match.Length && topic.StartsWith(_match, StringComparison.Ordinal));
    }

    public override string ToString() => Text;
}
