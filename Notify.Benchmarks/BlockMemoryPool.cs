using System.Buffers;
using System.Collections.Concurrent;

namespace Notify.Benchmarks;

/// <summary>
/// Fixed 4 KiB blocks kept for reuse, as Kestrel's transport pool does: with it a benchmark pipe allocates
/// what a server's response pipe would, not what <see cref="ArrayPool{T}.Shared"/> does once a thousand
/// pipes hold blocks at the same time.
/// </summary>
internal sealed class BlockMemoryPool : MemoryPool<byte>
{
    private const int BlockSize = 4096;
    private readonly ConcurrentQueue<Block> _blocks = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        return _blocks.TryDequeue(out var block) ? block : new Block(this);
    }

    protected override void Dispose(bool disposing) => _blocks.Clear();

    private sealed class Block(BlockMemoryPool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public void Dispose() => pool._blocks.Enqueue(this);
    }
}
