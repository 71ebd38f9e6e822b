import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Sections render their answers at low priority (see useDeferredAsyncRetry):
// on a busy machine a page of them takes longer than `findBy`'s default 1 s.
configure({ asyncUtilTimeout: 5000 });
