using System.Buffers;
using QuantaSeal.Server.Http;

namespace QuantaSeal.Server.Tests.Http;

/// <summary>
/// The body reader keeps a request (which may hold credential values) in pooled buffers and wipes every one of them:
/// a buffer outgrown while reading a body of unknown length goes back to the pool zeroed, not as a stale copy.
/// </summary>
public sealed class JsonBodyBufferTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]          // chunked: no Content-Length, the buffer has to grow
    [InlineData(10L)]           // a Content-Length that understates the body
    [InlineData(70_000L)]       // the announced length
    public async Task EveryBufferOutgrown_GoesBackToThePoolWiped_AndTheBodyArrivesWhole(long? announced)
    {
        var body = Enumerable.Range(0, 70_000).Select(i => (byte)('a' + (i % 26))).ToArray();
        var pool = new RecordingPool();
        await using var stream = new TrickleStream(body, chunk: 1_000);

        var (buffer, length) = await JsonBody.ReadWipedAsync(stream, announced, pool, Ct);

        Assert.Equal(body, buffer.AsSpan(0, length).ToArray());
        Assert.All(pool.Returned, returned => Assert.True(returned.All(b => b == 0), "a buffer went back to the pool with data in it"));
        if (announced is null or 10L)
        {
            Assert.NotEmpty(pool.Returned);
        }
    }

    [Fact]
    public async Task AFailedRead_WipesAndReturnsItsBuffer()
    {
        var pool = new RecordingPool();
        await using var stream = new TrickleStream(Enumerable.Repeat((byte)'x', 5_000).ToArray(), chunk: 1_000, failAfter: 3_000);

        await Assert.ThrowsAsync<IOException>(() => JsonBody.ReadWipedAsync(stream, null, pool, Ct));

        Assert.Equal(pool.Rented, pool.Returned.Count);
        Assert.All(pool.Returned, returned => Assert.True(returned.All(b => b == 0)));
    }

    /// <summary>Hands out fresh arrays and keeps a copy of each array as it was when returned.</summary>
    private sealed class RecordingPool : ArrayPool<byte>
    {
        public List<byte[]> Returned { get; } = [];

        public int Rented { get; private set; }

        public override byte[] Rent(int minimumLength)
        {
            Rented++;
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false) => Returned.Add((byte[])array.Clone());
    }

    /// <summary>A body that arrives in small reads (as from a socket), optionally failing part way.</summary>
    private sealed class TrickleStream(byte[] data, int chunk, int failAfter = int.MaxValue) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= failAfter)
            {
                throw new IOException("The connection was reset.");
            }

            var count = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
            data.AsSpan(_position, count).CopyTo(buffer.Span);
            _position += count;
            return ValueTask.FromResult(count);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
