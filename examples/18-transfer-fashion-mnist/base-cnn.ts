// The architecture of the base network, shared by train-base.ts and the "from scratch" variant of main.ts.
import * as tfl from '@tensorflow/tfjs-layers';

/** conv8 - pool - conv16 - pool - flatten - dense64 - dropout - dense(classes): about 27 000 weights. */
export function baseCnn(classes: number): tfl.Sequential {
  return tfl.sequential({
    name: 'fashion_base',
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 8,
        kernelSize: 3,
        activation: 'relu',
        name: 'conv1',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', name: 'conv2' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ units: 64, activation: 'relu', name: 'fc1' }),
      tfl.layers.dropout({ rate: 0.3, name: 'dropout' }),
      tfl.layers.dense({ units: classes, activation: 'softmax', name: 'predictions' }),
    ],
  });
}
