import { parentPort } from 'node:worker_threads';
import { embedWith, loadModel } from './model';

// One model per thread: TensorFlow.js runs single-threaded, so parallelism comes from threads.
const ready = loadModel();

parentPort!.on('message', async (msg: { id: number; texts: string[] }) => {
  try {
    const vectors = await embedWith(await ready, msg.texts);
    parentPort!.postMessage(
      { id: msg.id, vectors },
      vectors.map((v) => v.buffer as ArrayBuffer),
    );
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
