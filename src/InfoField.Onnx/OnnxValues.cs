using System.Globalization;

namespace InfoField.Onnx;

/// <summary>Number conversions the importer shares.</summary>
internal static class OnnxValues
{
    /// <summary>
    /// A float32 value as the shortest decimal that reads back as it (0.001f becomes 0.001, not 0.0010000000474974513),
    /// so that values such as batch norm's eps compare equal to what the framework was given.
    /// </summary>
    public static double Widen(float value) =>
        float.IsFinite(value) ? double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;
}

/// <summary>A node or a value of an ONNX graph that cannot be read; the message names it (the file is named by <see cref="OnnxImport"/>).</summary>
internal sealed class OnnxReadException(string message) : InfoFieldException(message);
