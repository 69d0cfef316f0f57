namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// The response body as the app sees it: the first write or flush waits for the session commit, so nothing
/// reaches the client before the session is saved, and a failed save throws into the code that writes (the
/// response has not started, so the middleware can still answer 503). No buffering: after the commit every
/// call goes straight to the server's stream.
/// </summary>
internal sealed class SessionCommittingStream(Stream inner, SessionCommitGate gate) : Stream
{
    private bool _committed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await CommitAsync();
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Commit();
        inner.Write(buffer);
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await CommitAsync();
        await inner.FlushAsync(cancellationToken);
    }

    public override void Flush()
    {
        Commit();
        inner.Flush();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask CommitAsync()
    {
        if (!_committed)
        {
            await gate.EnsureCommittedAsync();
            _committed = true;
        }
    }

    // Synchronous writes only happen where the server allows synchronous IO; the commit then blocks likewise.
    private void Commit()
    {
        if (!_committed)
        {
            gate.EnsureCommittedAsync().GetAwaiter().GetResult();
            _committed = true;
        }
    }
}
