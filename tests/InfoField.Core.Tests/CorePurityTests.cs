using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using InfoField.Architecture;

namespace InfoField.Core.Tests;

/// <summary>
/// Core is what docs/developers.md says it is: pure C# with no ONNX/protobuf or TorchSharp, no P/Invoke of its own,
/// and no environment reading. Read from the built assembly's metadata, so any way of writing them is caught.
/// </summary>
public class CorePurityTests
{
    private static readonly Assembly Core = typeof(Network).Assembly;

    [Fact]
    public void Core_references_no_onnx_protobuf_or_torch_assembly()
    {
        string[] references = [.. Core.GetReferencedAssemblies().Select(name => name.Name!)];

        Assert.Contains("Tmds.LibC", references);
        Assert.DoesNotContain(references, name => name.StartsWith("Google.Protobuf", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("OnnxSharp", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("InfoField.", StringComparison.Ordinal));
    }

    [Fact]
    public void Core_declares_no_platform_invoke()
    {
        using var pe = new PEReader(File.OpenRead(Core.Location));
        MetadataReader metadata = pe.GetMetadataReader();

        string[] invokes =
        [
            .. metadata.MethodDefinitions
                .Select(metadata.GetMethodDefinition)
                .Where(method => (method.Attributes & MethodAttributes.PinvokeImpl) != 0 || !method.GetImport().Module.IsNil)
                .Select(method => $"{metadata.GetString(metadata.GetTypeDefinition(method.GetDeclaringType()).Name)}.{metadata.GetString(method.Name)}"),
        ];

        Assert.Empty(invokes);
        Assert.Equal(0, metadata.GetTableRowCount(TableIndex.ModuleRef));
    }

    [Fact]
    public void Core_reads_no_environment_variable()
    {
        using var pe = new PEReader(File.OpenRead(Core.Location));
        MetadataReader metadata = pe.GetMetadataReader();

        string[] calls =
        [
            .. metadata.MemberReferences
                .Select(metadata.GetMemberReference)
                .Where(member => member.Parent.Kind == HandleKind.TypeReference
                    && metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)member.Parent).Namespace) == "System"
                    && metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)member.Parent).Name) == "Environment"
                    && metadata.GetString(member.Name).Contains("EnvironmentVariable", StringComparison.Ordinal))
                .Select(member => metadata.GetString(member.Name)),
        ];

        Assert.Empty(calls);
    }

    [Fact]
    public void The_scan_sees_what_it_forbids()
    {
        // The same scans over the test assembly, which reads the environment here, so that a scan that silently
        // finds nothing (a wrong table, a wrong name) fails this test instead of passing the ones above.
        _ = Environment.GetEnvironmentVariable("INFOFIELD_UNUSED");
        using var pe = new PEReader(File.OpenRead(typeof(CorePurityTests).Assembly.Location));
        MetadataReader metadata = pe.GetMetadataReader();

        Assert.Contains(
            metadata.MemberReferences.Select(metadata.GetMemberReference),
            member => metadata.GetString(member.Name) == nameof(Environment.GetEnvironmentVariable));
        Assert.Contains(
            metadata.MethodDefinitions.Select(metadata.GetMethodDefinition),
            method => (method.Attributes & MethodAttributes.PinvokeImpl) != 0 && metadata.GetString(method.Name) == nameof(NativeProbe.getpid));
    }
}

/// <summary>A P/Invoke declared only so that <see cref="CorePurityTests.The_scan_sees_what_it_forbids"/> has one to find.</summary>
internal static class NativeProbe
{
    [System.Runtime.InteropServices.DllImport("libc")]
#pragma warning disable IDE1006, SYSLIB1054 // the C name; a plain DllImport on purpose
    internal static extern int getpid();
#pragma warning restore IDE1006, SYSLIB1054
}
