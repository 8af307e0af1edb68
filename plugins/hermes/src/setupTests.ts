import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI runs six jest projects on two cores; a streamed answer can take longer
// than the one-second default to render there.
configure({ asyncUtilTimeout: 10_000 });
