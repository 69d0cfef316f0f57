using System.ComponentModel;
using System.Runtime.InteropServices;

namespace StatelessApp.Stack.Processes;

/// <summary>POSIX signals, sent to one process or to a whole process group (each server runs in its own session).</summary>
public static partial class Signals
{
    public const int Kill = 9;
    public const int Terminate = 15;
    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Sends <paramref name="signal"/> to the process group led by <paramref name="groupLeader"/>; false if it is gone.</summary>
    public static bool SendToGroup(int groupLeader, int signal) => Send(-groupLeader, signal);

    /// <summary>Sends <paramref name="signal"/> to one process; false if it is gone.</summary>
    public static bool Send(int pid, int signal)
    {
        if (kill(pid, signal) == 0)
        {
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        return error == NoSuchProcess ? false : throw new Win32Exception(error, $"kill({pid}, {signal}) failed");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
