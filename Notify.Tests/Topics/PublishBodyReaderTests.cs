using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Notify.Api.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

/// <summary>
/// The publish body reader over a real pipe whose writer waits for the reader, so each piece is read before the next
/// arrives (Kestrel gives no such control over how a body is split into reads).
/// </summary>
public sealed class PublishBodyReaderTests
{
    private const int Limit = 64 * 1024;

    // 30,000 bytes of alternating "é" (two bytes) and "x": pieces of 10,001 bytes end inside a character at 20,002.
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => i % 2 == 0 ? "é" : "x")));

    [Fact]
    public async Task ABodyInPieces_IsReadWhole_EachPieceConsumedBeforeTheNextArrives()
    {
        var (outcome, data) = await ReadInPiecesAsync(Body, Body.Length / 3 + 1, Limit);

        Assert.Equal(PublishBodyReader.Outcome.Ok, outcome);
        Assert.Equal(Body, data);
    }

    [Fact]
    public async Task ABodyInPieces_OverTheLimit_IsTooLarge_AndStillConsumed()
    {
        var (outcome, data) = await ReadInPiecesAsync(Body, 4_096, Body.Length - 1);

        Assert.Equal(PublishBodyReader.Outcome.TooLarge, outcome);
        Assert.Empty(data);
    }

    [Fact]
    public async Task InvalidUtf8_SplitAcrossPieces_IsNotUtf8()
    {
        var (outcome, _) = await ReadInPiecesAsync([.. Body, 0xC3], 10_000, Limit);

        Assert.Equal(PublishBodyReader.Outcome.NotUtf8, outcome);
    }

    /// <summary>
    /// Writes <paramref name="body"/> in pieces; each write returns only once the reader has taken everything before it
    /// and asked for more, so every piece is a read of its own. (That each read is consumed, not only examined, is what
    /// Kestrel needs; LogHygieneTests shows it through Kestrel.)
    /// </summary>
    private static async Task<(PublishBodyReader.Outcome Outcome, byte[] Data)> ReadInPiecesAsync(byte[] body, int pieceSize, int limit)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        var context = new DefaultHttpContext();
        context.Features.Set<IRequestBodyPipeFeature>(new RequestBody(pipe.Reader));
        var reading = PublishBodyReader.ReadAsync(context.Request, limit, CancellationToken.None);

        foreach (var piece in body.Chunk(pieceSize))
        {
            if (reading.IsCompleted)
            {
                break; // too large: the reader stopped before the end
            }

            await pipe.Writer.WriteAsync(piece).AsTask().WaitAsync(TestTimeouts.Request);
        }

        await pipe.Writer.CompleteAsync();
        return await reading.WaitAsync(TestTimeouts.Request);
    }

    private sealed class RequestBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }
}
