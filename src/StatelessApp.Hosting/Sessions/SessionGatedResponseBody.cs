using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace StatelessApp.Hosting.Sessions;

/// <summary>
/// The response body feature while the session middleware runs: every way of starting the response (first
/// write or flush of <see cref="Stream"/> or <see cref="Writer"/>, StartAsync, SendFileAsync, CompleteAsync)
/// first awaits the session commit. It never starts the response by itself, so middleware outside the
/// sessions (status code pages, exception handlers) can still write one after the endpoint returned.
/// </summary>
internal sealed class SessionGatedResponseBody(IHttpResponseBodyFeature server, SessionCommitGate gate) : IHttpResponseBodyFeature
{
    private PipeWriter? _writer;

    public Stream Stream { get; } = new SessionCommittingStream(server.Stream, gate);

    /// <summary>
    /// A pipe over the gated stream rather than the server's own writer: the server's writer may start the
    /// response as soon as memory is requested (Kestrel does), before any await could run the commit.
    /// </summary>
    public PipeWriter Writer => _writer ??= PipeWriter.Create(Stream, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering() => server.DisableBuffering();

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await gate.EnsureCommittedAsync();
        await server.StartAsync(cancellationToken);
    }

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await FlushPendingAsync(cancellationToken);
        await gate.EnsureCommittedAsync();
        await server.SendFileAsync(path, offset, count, cancellationToken);
    }

    public async Task CompleteAsync()
    {
        await FlushPendingAsync();
        await gate.EnsureCommittedAsync();
        await server.CompleteAsync();
    }

    /// <summary>Pushes bytes the app left in <see cref="Writer"/> without flushing (the server would have sent them).</summary>
    public async Task FlushPendingAsync(CancellationToken cancellationToken = default)
    {
        if (_writer is { UnflushedBytes: > 0 })
        {
            await _writer.FlushAsync(cancellationToken);
        }
    }
}
