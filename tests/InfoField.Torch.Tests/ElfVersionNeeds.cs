using System.Text;

namespace InfoField.Torch.Tests;

/// <summary>Reads the symbol-version requirements of an ELF64 shared library (what readelf -V shows).</summary>
internal static class ElfVersionNeeds
{
    /// <summary>Whether the requirement of <paramref name="version"/> is marked weak; null when the library does not require that version at all.</summary>
    public static bool? IsWeak(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        long sections = (long)BitConverter.ToUInt64(elf, 0x28);
        int size = BitConverter.ToUInt16(elf, 0x3A);
        int count = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < count; i++)
        {
            int header = (int)(sections + (i * size));
            if (BitConverter.ToUInt32(elf, header + 4) != 0x6ffffffe)
            {
                continue;
            }

            long need = (long)BitConverter.ToUInt64(elf, header + 24);
            uint link = BitConverter.ToUInt32(elf, header + 40);
            uint needs = BitConverter.ToUInt32(elf, header + 44);
            long strings = (long)BitConverter.ToUInt64(elf, (int)(sections + (link * size)) + 24);
            for (uint n = 0; n < needs; n++)
            {
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < BitConverter.ToUInt16(elf, (int)need + 2); a++)
                {
                    int name = (int)(strings + BitConverter.ToUInt32(elf, (int)aux + 8));
                    int end = Array.IndexOf(elf, (byte)0, name);
                    if (Encoding.ASCII.GetString(elf, name, end - name) == version)
                    {
                        return (BitConverter.ToUInt16(elf, (int)aux + 4) & 2) != 0;
                    }

                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }

                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }

        return null;
    }
}
