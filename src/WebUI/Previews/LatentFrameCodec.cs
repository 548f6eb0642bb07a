using System.Buffers.Binary;

namespace WebUI.Previews;

/// <summary>
/// The compact live-preview format ("approximate in browser"): one image's latent, each channel quantised to 8 bits
/// with its own scale and offset, value = offset + scale·q. 4×64×64 (512²) is 16,384 data bytes + 48 header bytes.
/// Little-endian layout:
/// <code>
///  0  'W' 'L'         magic
///  2  u8  version (1)
///  3  u8  channels C
///  4  u16 width, u16 height      (latent pixels)
///  8  u16 step, u16 steps        (sampler steps done / per batch)
/// 12  u16 batch, u16 batchCount  (1-based)
/// 16  f32 scale[C], f32 offset[C]
/// 16+8C  u8 q[C][height][width]  (planar, row-major)
/// </code>
/// The browser (wwwroot/js/preview.js) dequantises and applies the model's latent→RGB matrix.
/// </summary>
public static class LatentFrameCodec
{
    public const byte Version = 1;
    public const int FixedHeaderBytes = 16;

    public static int HeaderBytes(int channels) => FixedHeaderBytes + 8 * channels;

    public static int FrameBytes(int channels, int height, int width) => HeaderBytes(channels) + channels * height * width;

    /// <summary>
    /// Writes a frame into <paramref name="destination"/> and returns its length. Two passes over the latent
    /// (range, then quantise); allocates nothing. Rounding to the nearest level bounds the error by scale/2.
    /// </summary>
    public static int Encode(ReadOnlySpan<float> latentChw, int channels, int height, int width,
        int batch, int batchCount, int step, int steps, Span<byte> destination)
    {
        if (channels is < 1 or > 255) throw new ArgumentOutOfRangeException(nameof(channels), $"Channels must be 1..255 (got {channels}).");
        if (height is < 1 or > ushort.MaxValue || width is < 1 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(height), $"Latent size {width}x{height} is out of range.");
        int plane = height * width;
        if (latentChw.Length < channels * plane)
            throw new ArgumentException($"Expected {channels}x{height}x{width} latent values, got {latentChw.Length}.", nameof(latentChw));
        int length = FrameBytes(channels, height, width);
        if (destination.Length < length) throw new ArgumentException($"The frame needs {length} bytes.", nameof(destination));

        destination[0] = (byte)'W';
        destination[1] = (byte)'L';
        destination[2] = Version;
        destination[3] = (byte)channels;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)height);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], Clamp16(step));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[10..], Clamp16(steps));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[12..], Clamp16(batch));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[14..], Clamp16(batchCount));

        var data = destination.Slice(HeaderBytes(channels), channels * plane);
        for (int c = 0; c < channels; c++)
        {
            var values = latentChw.Slice(c * plane, plane);
            float min = float.PositiveInfinity, max = float.NegativeInfinity;
            foreach (float v in values)
            {
                // NaN/∞ (an overflowing fp16 model) must not poison the range of the whole channel.
                if (!float.IsFinite(v)) continue;
                if (v < min) min = v;
                if (v > max) max = v;
            }
            if (min > max) min = max = 0f;
            float scale = (max - min) / 255f;
            float inverse = scale > 0f ? 1f / scale : 0f;
            BinaryPrimitives.WriteSingleLittleEndian(destination[(FixedHeaderBytes + 4 * c)..], scale);
            BinaryPrimitives.WriteSingleLittleEndian(destination[(FixedHeaderBytes + 4 * (channels + c))..], min);

            var q = data.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                float level = (values[i] - min) * inverse + 0.5f;
                q[i] = level >= 255f ? (byte)255 : level > 0f ? (byte)level : (byte)0; // NaN compares false → 0
            }
        }
        return length;
    }

    /// <summary>What a frame's header says.</summary>
    public readonly record struct Header(int Channels, int Width, int Height, int Step, int Steps, int Batch, int BatchCount);

    public static Header ReadHeader(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < FixedHeaderBytes || frame[0] != 'W' || frame[1] != 'L')
            throw new FormatException("Not a latent preview frame (magic 'WL' missing).");
        if (frame[2] != Version) throw new FormatException($"Unsupported latent preview frame version {frame[2]}.");
        var header = new Header(frame[3],
            BinaryPrimitives.ReadUInt16LittleEndian(frame[4..]), BinaryPrimitives.ReadUInt16LittleEndian(frame[6..]),
            BinaryPrimitives.ReadUInt16LittleEndian(frame[8..]), BinaryPrimitives.ReadUInt16LittleEndian(frame[10..]),
            BinaryPrimitives.ReadUInt16LittleEndian(frame[12..]), BinaryPrimitives.ReadUInt16LittleEndian(frame[14..]));
        if (frame.Length < FrameBytes(header.Channels, header.Height, header.Width))
            throw new FormatException($"Latent preview frame is truncated ({frame.Length} bytes).");
        return header;
    }

    /// <summary>Dequantises a frame into <paramref name="latentChw"/> (C×H×W floats); the inverse of <see cref="Encode"/> up to scale/2.</summary>
    public static Header Decode(ReadOnlySpan<byte> frame, Span<float> latentChw)
    {
        var header = ReadHeader(frame);
        int channels = header.Channels, plane = header.Width * header.Height;
        if (latentChw.Length < channels * plane) throw new ArgumentException($"The latent needs {channels * plane} values.", nameof(latentChw));
        var data = frame.Slice(HeaderBytes(channels), channels * plane);
        for (int c = 0; c < channels; c++)
        {
            float scale = BinaryPrimitives.ReadSingleLittleEndian(frame[(FixedHeaderBytes + 4 * c)..]);
            float offset = BinaryPrimitives.ReadSingleLittleEndian(frame[(FixedHeaderBytes + 4 * (channels + c))..]);
            for (int i = 0; i < plane; i++) latentChw[c * plane + i] = offset + scale * data[c * plane + i];
        }
        return header;
    }

    static ushort Clamp16(int value) => (ushort)Math.Clamp(value, 0, ushort.MaxValue);
}
