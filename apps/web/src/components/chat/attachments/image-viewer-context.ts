'use client';
import { createContext, useContext } from 'react';

/** Opens the conversation's image viewer at one image (by attachment id). */
export const ImageViewerContext = createContext<(attachmentId: string) => void>(() => undefined);

export const useOpenImage = () => useContext(ImageViewerContext);
