using Notify.Grains.Events;
using Notify.Grains.Reads;

namespace Notify.Api.Sse;

/// <summary>
/// A topic's live events could not be continued from <paramref name="From"/>: its history was lost (another epoch)
/// or the events after it left the buffer. They continue after <paramref name="ContinuesAfter"/>.
/// </summary>
/// <param name="Reason">Why, as a <c>notify.reset</c> names it.</param>
/// <param name="From">The last event passed on before the jump.</param>
/// <param name="ContinuesAfter">Where the events continue (the reset's id).</param>
public sealed record TopicJump(ResetReason Reason, EventPosition From, EventPosition ContinuesAfter);
