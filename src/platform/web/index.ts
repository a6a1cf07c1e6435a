/**
 * The web platform: the onnxruntime-web backend, audio decoding in the page and microphone capture. Nothing
 * is registered on import; an app's entry point calls `registerWebBackends` with the URL it serves
 * onnxruntime-web's WebAssembly files from.
 */
import { registerBackend } from '../../runtime/index.ts';
import { type OrtWebBackendOptions, createOrtWebBackend } from './ort-web-backend.ts';

export {
  OrtWebBackend, createOrtWebBackend, webGpuUnavailableReason,
  type OrtWebBackendOptions, type OrtWebModule, type OrtWebRuntimeInfo,
} from './ort-web-backend.ts';
export {
  decodeInBrowser, loadMonoInBrowser,
  type BrowserAudioInput, type BrowserDecodeOptions, type BrowserDecoded, type BrowserDecoder, type BrowserMono,
} from './decode.ts';
export {
  MicrophoneError, startMicrophone,
  type CaptureMethod, type MicrophoneOptions, type MicrophoneRecording, type RecordedAudio,
} from './microphone.ts';

/** Register the web backends in the default registry as 'onnxruntime-web' (priority 10). */
export function registerWebBackends(opts: OrtWebBackendOptions = {}): void {
  registerBackend('onnxruntime-web', () => createOrtWebBackend(opts), 10);
}
