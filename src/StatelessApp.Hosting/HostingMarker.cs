namespace StatelessApp.Hosting;

internal static class HostingMarker;
