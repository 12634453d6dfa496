// A Vosk model as alphacephei publishes it (a .zip of the model folder) turned into the form vosk-browser
// loads (a gzipped tar of that folder; it strips the first path component). Unpacked into a scratch folder
// beside the destination with yauzl (which refuses absolute and `..` names), packed again with node-tar,
// and renamed into place only once complete, so a half-written archive is never served.
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { create as createTar, list as listTar } from 'tar';
import yauzl from 'yauzl';
import { err, ok, type Result } from '../../common/result.js';

/** Far above any Vosk model (the big English one unpacks to about 3 GB); stops a zip bomb. */
const MAX_UNPACKED_BYTES = 8 * 1024 ** 3;

/** The files every Vosk model folder has; an archive without them is no model vosk-browser can load. */
const REQUIRED = ['am/final.mdl', 'conf/mfcc.conf'] as const;

/** Converts `zip` into the .tar.gz at `dest`. Codes: bad_model (not a zip, or not a Vosk model), internal. */
export async function zipToVoskArchive(zip: string, dest: string, id: string): Promise<Result<{ bytes: number }>> {
  const scratch = join(dirname(dest), `.${id}.unpack-${process.pid}`);
  const temp = `${dest}.${process.pid}.tmp`;
  await rm(scratch, { recursive: true, force: true });
  try {
    await mkdir(scratch, { recursive: true });
    const unpacked = await unzip(zip, scratch);
    if (!unpacked.ok) return unpacked;
    // Alphacephei's zips hold one folder named like the model; anything else is wrapped in one.
    const top = await readdir(scratch, { withFileTypes: true });
    const single = top.length === 1 && top[0]?.isDirectory() ? top[0].name : null;
    const root = single ? join(scratch, single) : scratch;
    const missing = [];
    for (const file of REQUIRED) if (!(await isFile(join(root, file)))) missing.push(file);
    if (missing.length > 0) return err('bad_model', `${zip} is not a Vosk model: it has no ${missing.join(' or ')}`);
    await createTar({ gzip: true, file: temp, cwd: single ? scratch : root, portable: true, ...(single ? {} : { prefix: id }) }, single ? [single] : await readdir(root));
    await rename(temp, dest);
    return ok({ bytes: (await stat(dest)).size });
  } catch (error) {
    return err('internal', `cannot convert ${zip} into ${dest}: ${(error as Error).message}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await rm(temp, { force: true });
  }
}

/** Whether a .tar.gz holds a Vosk model folder (`kemudi models verify` of a voice model). */
export async function checkVoskArchive(path: string): Promise<Result<{ files: number }>> {
  const seen = new Set<string>();
  try {
    // The first component is the model folder, which vosk-browser strips.
    await listTar({ file: path, onReadEntry: (entry) => seen.add(entry.path.split('/').slice(1).join('/')) });
  } catch (error) {
    return err('bad_model', `${path} is not a gzipped tar: ${(error as Error).message}`);
  }
  const missing = REQUIRED.filter((file) => !seen.has(file));
  if (missing.length > 0) return err('bad_model', `${path} is not a Vosk model archive: it has no ${missing.join(' or ')}`);
  return ok({ files: seen.size });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function unzip(zip: string, into: string): Promise<Result<void>> {
  return new Promise((resolve) => {
    yauzl.open(zip, { lazyEntries: true, autoClose: true }, (openError, file) => {
      if (openError) {
        resolve(err('bad_model', `${zip} is not a zip archive: ${openError.message}`));
        return;
      }
      let total = 0;
      const fail = (message: string): void => {
        file.close();
        resolve(err('bad_model', `${zip}: ${message}`));
      };
      file.on('error', (error: Error) => fail(error.message));
      file.on('end', () => resolve(ok(undefined)));
      file.on('entry', (entry: yauzl.Entry) => {
        // yauzl has already refused absolute names and `..`; directories end in '/'.
        const target = join(into, entry.fileName);
        if (entry.fileName.endsWith('/')) {
          mkdir(target, { recursive: true }).then(() => file.readEntry(), (error: Error) => fail(error.message));
          return;
        }
        total += entry.uncompressedSize;
        if (total > MAX_UNPACKED_BYTES) {
          fail(`unpacks to more than ${MAX_UNPACKED_BYTES} bytes`);
          return;
        }
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError) {
            fail(streamError.message);
            return;
          }
          // Every entry becomes a plain file: no symlinks, no modes from the archive.
          mkdir(dirname(target), { recursive: true })
            .then(() => pipeline(stream, createWriteStream(target)))
            .then(() => file.readEntry(), (error: Error) => fail(error.message));
        });
      });
      file.readEntry();
    });
  });
}
