using Google.Protobuf;
using InfoField.Architecture;
using InfoField.Onnx.Protobuf;
using Onnx;
using static InfoField.Onnx.Tests.OnnxModels;

namespace InfoField.Onnx.Tests;

/// <summary>
/// The importer reads a file in place and skips tensor data without reading it, so the bytes it reads do not grow with
/// the weights. Checked on a 1.2 GB model with its weights written out (a sparse file: the weights' bytes are holes,
/// so the test costs no disk and no time to write), by counting the bytes the importer reads.
/// </summary>
public class ConstantTimeTests
{
    [Fact]
    public void A_model_with_a_gigabyte_of_weights_is_read_without_reading_them()
    {
        string path = Path.Combine(TempFolder(), "big.onnx");
        try
        {
            long length = WriteWithWeights(path, out long parameters);
            Assert.True(length > 1_200_000_000, $"{length:N0} bytes");

            using (FileStream stream = File.OpenRead(path))
            using (var source = new FileSource(stream.SafeFileHandle, stream.Length))
            {
                Network network = OnnxImport.Read(source, "big", path, null);
                Assert.Equal(parameters, Costs.CostModel.Of(network).Total.Parameters);
                Assert.True(source.BytesRead < 256 * 1024, $"read {source.BytesRead:N0} of {length:N0} bytes");
            }

            Assert.Equal(parameters, Costs.CostModel.Of(OnnxImport.Load(path)).Total.Parameters);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>
    /// A 3 x 8 x 8 input, convolutions to 4,096 channels (3x3, 3x3, 3x3), global pooling and a linear layer, with the
    /// two 4096 x 4096 x 3 x 3 weights' data written (as zeros, by leaving holes). The model's graph goes first; a
    /// second graph field (protobuf merges repeated fields) carries the initializers with their raw data.
    /// </summary>
    private static long WriteWithWeights(string path, out long parameters)
    {
        ModelProto model = Small();
        model.Graph.Initializer.Clear();
        model.Graph.Node.Clear();
        var sized = new (string Name, long[] Dims)[] { ("w1", [4096, 3, 3, 3]), ("w2", [4096, 4096, 3, 3]), ("w3", [4096, 4096, 3, 3]), ("fc", [10, 4096]) };
        model.Graph.Node.Add(Node("Conv", "c1", ["x", "w1"], ["a"], Ints("pads", 1, 1, 1, 1)));
        model.Graph.Node.Add(Node("Conv", "c2", ["a", "w2"], ["b"], Ints("pads", 1, 1, 1, 1)));
        model.Graph.Node.Add(Node("Conv", "c3", ["b", "w3"], ["c"], Ints("pads", 1, 1, 1, 1)));
        model.Graph.Node.Add(Node("GlobalAveragePool", "pool", ["c"], ["p"]));
        model.Graph.Node.Add(Node("Flatten", "flat", ["p"], ["f"]));
        model.Graph.Node.Add(Node("Gemm", "fc", ["f", "fc"], ["y"], Int("transB", 1)));
        model.Graph.Output[0] = Value("y", 1, 10);
        parameters = sized.Sum(t => t.Dims.Aggregate(1L, (a, b) => a * b));

        var tensors = sized.Select(t => (Header: Header(t.Name, t.Dims), Data: t.Dims.Aggregate(4L, (a, b) => a * b))).ToList();
        long[] messages = [.. tensors.Select(t => t.Header.Length + 1 + VarintLength(t.Data) + t.Data)];
        long graph = messages.Sum(m => 1 + VarintLength(m) + m);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        model.WriteTo(stream);
        stream.WriteByte(0x3A);  // ModelProto.graph (field 7, length-delimited), again: merged with the first
        Varint(stream, graph);
        for (int i = 0; i < tensors.Count; i++)
        {
            stream.WriteByte(0x2A);  // GraphProto.initializer (field 5)
            Varint(stream, messages[i]);
            stream.Write(tensors[i].Header);
            stream.WriteByte(0x4A);  // TensorProto.raw_data (field 9)
            Varint(stream, tensors[i].Data);
            stream.Seek(tensors[i].Data, SeekOrigin.Current);  // the weights: a hole of zeros
        }

        stream.SetLength(stream.Position);
        return stream.Length;
    }

    private static byte[] Header(string name, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        return tensor.ToByteArray();
    }

    private static int VarintLength(long value) => CodedOutputStream.ComputeUInt64Size((ulong)value);

    private static void Varint(Stream stream, long value)
    {
        ulong rest = (ulong)value;
        while (rest >= 0x80)
        {
            stream.WriteByte((byte)(rest | 0x80));
            rest >>= 7;
        }

        stream.WriteByte((byte)rest);
    }
}
