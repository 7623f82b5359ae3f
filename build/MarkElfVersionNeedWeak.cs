// Build-time task (compiled by MSBuild's RoslynCodeTaskFactory): marks one symbol-version requirement
// of an ELF shared library as weak, so the dynamic loader accepts a libstdc++ that lacks that version.
// See docs/torchsharp-linux.md for why TorchSharp's native shim needs this on Debian 12.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class MarkElfVersionNeedWeak : Microsoft.Build.Utilities.Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>The ELF files to patch in place (written to a temporary name, then renamed).</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The version name whose requirement becomes weak, e.g. GLIBCXX_3.4.32.</summary>
    [Required]
    public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                string outcome = Patch(path);
                Log.LogMessage(MessageImportance.Low, "{0}: {1}", path, outcome);
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
            {
                Log.LogError("Could not mark {0} weak in '{1}': {2}", VersionName, path, ex.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    private string Patch(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF files are supported");

        long sectionHeaders = (long)BitConverter.ToUInt64(elf, 0x28);
        int sectionHeaderSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < sectionCount; i++)
        {
            long header = sectionHeaders + (long)i * sectionHeaderSize;
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed)
                continue;
            long offset = (long)BitConverter.ToUInt64(elf, (int)header + 24);
            uint link = BitConverter.ToUInt32(elf, (int)header + 40);
            uint needCount = BitConverter.ToUInt32(elf, (int)header + 44);
            long strings = (long)BitConverter.ToUInt64(elf, (int)(sectionHeaders + link * sectionHeaderSize) + 24);
            return MarkInVerneed(path, elf, offset, needCount, strings);
        }
        return "no version requirements section; nothing to do";
    }

    private string MarkInVerneed(string path, byte[] elf, long need, uint needCount, long strings)
    {
        for (uint n = 0; n < needCount; n++)
        {
            int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
            long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
            for (int a = 0; a < auxCount; a++)
            {
                int flagsAt = (int)aux + 4;
                uint nameOffset = BitConverter.ToUInt32(elf, (int)aux + 8);
                if (ReadString(elf, strings + nameOffset) == VersionName)
                {
                    ushort flags = BitConverter.ToUInt16(elf, flagsAt);
                    if ((flags & VerFlgWeak) != 0)
                        return VersionName + " already weak";
                    BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, flagsAt);
                    string temporary = path + ".weak-tmp";
                    File.WriteAllBytes(temporary, elf);
                    File.Replace(temporary, path, null);
                    return "marked " + VersionName + " weak";
                }
                aux += BitConverter.ToUInt32(elf, (int)aux + 12);
            }
            need += BitConverter.ToUInt32(elf, (int)need + 12);
        }
        return VersionName + " not required; nothing to do";
    }

    private static string ReadString(byte[] elf, long at)
    {
        int end = (int)at;
        while (end < elf.Length && elf[end] != 0)
            end++;
        return Encoding.ASCII.GetString(elf, (int)at, end - (int)at);
    }
}
