using System.Net.Sockets;
using System.Security.Cryptography;

namespace InfoField.Torch.Data;

/// <summary>Fetches a CIFAR archive into a data folder and verifies its MD5 before keeping it.</summary>
public static class CifarDownload
{
    /// <summary>
    /// Downloads <paramref name="archive"/> into <paramref name="directory"/> (created if needed) from
    /// <paramref name="source"/> (default: the official address), verifying its MD5; the file appears under its final
    /// name only when complete and verified. Throws <see cref="DataException"/> saying what to do when there is no network.
    /// </summary>
    public static string Fetch(CifarArchive archive, string directory, Uri? source = null, TimeSpan? timeout = null, Action<string>? log = null)
    {
        Uri url = source ?? archive.Url;
        string target = Path.Combine(directory, archive.ArchiveName);
        string manual = $"download {archive.ArchiveName} from {archive.Url} on a machine with network access, check that its MD5 is {archive.Md5}, copy it into '{directory}' and run again without downloading";
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{directory}: cannot create the data folder: {error.Message}", error);
        }

        string partial = Path.Combine(directory, $".{archive.ArchiveName}.{Guid.NewGuid():N}.part");
        try
        {
            log?.Invoke($"downloading {url} to {target}");
            using var client = new HttpClient { Timeout = timeout ?? TimeSpan.FromMinutes(30) };
            using HttpResponseMessage response = client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                throw new DataException($"could not download {url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}; {manual}");
            }

            string md5;
            using (Stream body = response.Content.ReadAsStream())
            using (FileStream file = File.Create(partial))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5))
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = body.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    file.Write(buffer, 0, read);
                }

                md5 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (md5 != archive.Md5)
            {
                throw new DataException($"downloaded {url} but its MD5 is {md5}, not the published {archive.Md5}: the transfer was incomplete or altered, so it was discarded; run again, or {manual}");
            }

            File.Move(partial, target, overwrite: true);
            return target;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or SocketException or IOException)
        {
            string reason = error is TaskCanceledException ? "it timed out" : error.InnerException?.Message ?? error.Message;
            throw new DataException($"could not download {url} ({reason}): this machine may have no network access; {manual}", error);
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }
    }
}
