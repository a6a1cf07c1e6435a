/**
 * `pneuma export --model <id> [--weights f] [--model-config f] [--pooling p] --out model.onnx [--external-data]`:
 * the encoder graph with its weights as one self-contained ONNX file (or model.onnx + model.onnx.data).
 * Input `x` (one model input, as the encoder's modelInputs makes it, with the encoder's dynamic axes);
 * outputs `embedding` and every head. The model's metadata (pneuma.*) documents names, layouts, dynamic
 * axes, front end, input policy and the embed config hash; for each model input the file computes exactly
 * the rows `pneuma embed` computes (which averages over model inputs and segments).
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { embedRunConfig, encoderGraph, encoderOnnx, exportMetadata } from '../../../src/embed/index.ts';
import { writeFileAtomic } from '../../../src/platform/node/index.ts';
import { fmtShape } from '../../../src/util/index.ts';
import { DEFAULT_RESAMPLE, addModelOptions, resampleDescription, resolveCliModel, type ModelCliOptions } from './model-options.ts';

interface ExportCliOptions extends ModelCliOptions {
  out: string;
  externalData?: boolean;
}

/** Initializers of this many bytes or more go to the external data file with --external-data. */
const EXTERNAL_THRESHOLD = 1024;

export function register(program: Command): void {
  const cmd = program
    .command('export')
    .description('write an encoder with its weights as an ONNX model (input x, outputs embedding and heads)')
    .requiredOption('--out <model.onnx>', 'output ONNX file');
  addModelOptions(cmd)
    .option('--external-data', `store weights in <out>.data next to the model (initializers of ${EXTERNAL_THRESHOLD} bytes or more)`)
    .action((o: ExportCliOptions) => {
      const m = resolveCliModel(o, 'embedding');
      const g = encoderGraph(m.spec);
      const metadata = exportMetadata(m.def, g, embedRunConfig(m.spec, m.source, m.def.input, resampleDescription(DEFAULT_RESAMPLE)));
      let bytes = 0;
      if (o.externalData) {
        const location = `${basename(o.out)}.data`;
        const enc = encoderOnnx(g, m.def, m.spec.cfg, m.weights, { metadata, externalData: { threshold: EXTERNAL_THRESHOLD, location } });
        writeFileAtomic(`${o.out}.data`, enc.data);
        writeFileAtomic(o.out, enc.model);
        bytes = enc.model.length + enc.data.length;
      } else {
        const model = encoderOnnx(g, m.def, m.spec.cfg, m.weights, { metadata });
        writeFileAtomic(o.out, model);
        bytes = model.length;
      }
      const outs = g.outputs.map((x) => `${x.name} ${fmtShape(x.shape)}`).join(', ');
      process.stdout.write(`${m.def.id} -> ${o.out}${o.externalData ? ` + ${o.out}.data` : ''} (${(bytes / 1e6).toFixed(1)} MB): input ${metadata['pneuma.input']}; outputs ${outs}; config hash ${metadata['pneuma.config_hash']}\n`);
    });
}
