using System.Text;
using Notify.Bench.Http;

namespace Notify.Bench.Tests;

/// <summary>Notify.Bench decodes chunked response bodies itself (Kestrel and nginx both send SSE chunked).</summary>
public sealed class ChunkedDecoderTests
{
    private const string Body = "4\r\nWiki\r\n6;name=value\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: yes\r\n\r\n";
    private const string Decoded = "Wikipedia in \r\n\r\nchunks.";

    [Fact]
    public void SplitAtEveryPosition_DecodesTheSameBytes_AndSeesTheEnd()
    {
        var bytes = Encoding.ASCII.GetBytes(Body);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var decoder = new ChunkedDecoder();
            var first = bytes[..split];
            var second = bytes[split..];
            var output = Encoding.ASCII.GetString(first, 0, decoder.Decode(first)) + Encoding.ASCII.GetString(second, 0, decoder.Decode(second));
            Assert.Equal(Decoded, output);
            Assert.True(decoder.IsComplete, $"split at {split}");
        }
    }

    [Fact]
    public void ByteByByte_DecodesInPlace()
    {
        var decoder = new ChunkedDecoder();
        var output = new StringBuilder();
        foreach (var b in Encoding.ASCII.GetBytes(Body))
        {
            byte[] one = [b];
            output.Append(Encoding.ASCII.GetString(one, 0, decoder.Decode(one)));
        }

        Assert.Equal(Decoded, output.ToString());
        Assert.True(decoder.IsComplete);
    }

    [Theory]
    [InlineData("g\r\n")]
    [InlineData("4\r\nWikiXX")]
    [InlineData("\r\n")]
    public void NotChunkedEncoding_IsRejected(string body) =>
        Assert.Throws<InvalidDataException>(() => new ChunkedDecoder().Decode(Encoding.ASCII.GetBytes(body)));
}
